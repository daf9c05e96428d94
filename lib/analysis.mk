# analysis: replay, aggregation, symbols; sources and unit tests

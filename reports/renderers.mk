# report renderers: sources

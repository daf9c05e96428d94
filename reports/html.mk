# The HTML report's page, style and script are edited as files under
# reports/html/ and compiled in as C arrays generated from them.
ma_html_assets = reports/html/page.html reports/html/page.css reports/html/page.js
nodist_reports_libmareports_la_SOURCES = reports/html_assets.c
EXTRA_DIST += $(ma_html_assets) reports/html/embed.sh
CLEANFILES += reports/html_assets.c

reports/html_assets.c: $(ma_html_assets) reports/html/embed.sh
	$(AM_V_GEN)$(MKDIR_P) reports && \
	$(SHELL) $(srcdir)/reports/html/embed.sh $(srcdir)/reports/html >$@.tmp && \
	mv $@.tmp $@

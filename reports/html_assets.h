/* The HTML report's page template, style sheet and script, one line per
 * element (each ending in a newline), NULL-terminated.  They are the
 * files under reports/html/, turned into C by reports/html/embed.sh at
 * build time. */
#ifndef MA_HTML_ASSETS_H
#define MA_HTML_ASSETS_H

/* The page: lines "@style@", "@data@" and "@script@" stand for the
 * style sheet, the report's data and the script. */
extern const char *const ma_html_page[];
extern const char *const ma_html_css[];
extern const char *const ma_html_js[];

#endif

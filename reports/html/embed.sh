#!/bin/sh
# Writes the C source holding the HTML report's page, style and script:
#   embed.sh DIR > html_assets.c
# Each file becomes a NULL-terminated array of its lines, so the page can
# be edited as HTML, CSS and JavaScript and still ship inside the binary.
set -e
dir=$1
echo '/* Generated from reports/html/ by reports/html/embed.sh: do not edit. */'
echo '#include <stddef.h>'
echo '#include "html_assets.h"'
for name in page css js; do
	case $name in
	page) file=$dir/page.html ;;
	*) file=$dir/page.$name ;;
	esac
	echo "const char *const ma_html_$name[] = {"
	# Backslashes, quotes and question marks (trigraphs) escaped.
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
		-e 's/^/	"/' -e 's/$/\\n",/' "$file"
	echo '	NULL,'
	echo '};'
done

#!/usr/bin/env bash
# Install the Debian packages the build needs, or say exactly what to run where we cannot.
# fonts-noto-cjk: the embedded faces; libharfbuzz-subset0: fast font subsetting (without it a page
# takes seconds, and the build refuses); Pango: WeasyPrint's text layout; poppler-utils and qpdf: the
# tests read the PDFs back with them, and `archive --check` opens every PDF with Poppler and MuPDF; mupdf-tools and ghostscript: the tests draw every PDF with the
# readers and the print path (ps2write) that look glyphs up as the PDF standard says (docs/fonts.md);
# libreoffice-calc-nogui: the tests open 审核意见.xlsx in LibreOffice (about 35 s to install);
# chromium: the site's tests drive it with Playwright (Playwright's own browser download is not used).
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils qpdf mupdf-tools ghostscript
          libreoffice-calc-nogui chromium)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "系统依赖: this is not a Debian/Ubuntu system; install the equivalents of: ${packages[*]}" >&2
    echo "  (Noto Serif CJK SC fonts, HarfBuzz with its subset library, Pango, poppler-utils, qpdf, MuPDF's mutool, Ghostscript), then run make again." >&2
    fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" && exit 0
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "系统依赖缺失 (missing Debian packages): ${missing[*]}" >&2
    echo "Run:  sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
# An image with empty package lists cannot find anything: update first in that case.
if ! compgen -G "/var/lib/apt/lists/*_Packages" >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
fi
if ! DEBIAN_FRONTEND=noninteractive $cmd; then
    # Stale lists give 404s on install: refresh them once and retry.
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive $cmd
fi

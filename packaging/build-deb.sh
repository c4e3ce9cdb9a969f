#!/bin/sh
# Build the Debian package from a copy of the tree, so the tree itself gets
# neither a debian/ directory nor build products, and leave the result in
# dist/rshell_VERSION_ARCH.deb.
#
#	packaging/build-deb.sh VERSION
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 VERSION" >&2
	exit 2
fi
version=$1
top=$(cd "$(dirname "$0")/.." && pwd)

# The package version comes from debian/changelog: refuse to build a
# package whose version disagrees with the Makefile's.
chlog=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version)
if [ "$chlog" != "$version" ]; then
	echo "$0: packaging/debian/changelog says $chlog, Makefile says" \
	    "$version" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rshell-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
src=$work/rshell-$version

mkdir "$src"
(cd "$top" && tar -cf - --exclude=./.git --exclude=./dist .) |
    (cd "$src" && tar -xf -)
make -C "$src" clean >/dev/null
rm -rf "$src/debian"
cp -R "$src/packaging/debian" "$src/debian"

(cd "$src" && dpkg-buildpackage -us -uc -b)

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=rshell_${version}_$arch.deb
mkdir -p "$top/dist"
cp "$work/$deb" "$top/dist/$deb"
echo "dist/$deb"

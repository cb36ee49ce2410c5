#!/bin/sh
# pkgversion.sh VERSION [COUNT]: the package version (deb and rpm) for
# VERSION, the output of git describe --tags --always --dirty; COUNT is the
# number of commits (git rev-list --count HEAD), used when no tag is there.
# A package version must start with a digit, sort after the one before it
# and hold no '-' (dpkg's revision and rpm's release separator):
#   v1.2.3              -> 1.2.3
#   v1.2.3-4-gabc1234   -> 1.2.3+git4.gabc1234
#   v1.3.0-rc1          -> 1.3.0~rc1          (~ sorts before 1.3.0)
#   abc1234 (no tag)    -> 0.0~git<COUNT>.gabc1234
# and -dirty as +dirty or .dirty. Tags are vX.Y.Z, as Go modules want them.
set -eu
v=${1-}
count=${2-}
fail() {
	echo "pkgversion.sh: $*; set PKGVERSION" >&2
	exit 2
}

dirty=
case $v in
*-dirty) dirty=dirty v=${v%-dirty} ;;
esac

case $v in
v[0-9]*)
	base=${v#v} dist=
	# the "-N-gHASH" git describe adds after a tag
	if tail=$(expr "X$base" : 'X.*\(-[0-9][0-9]*-g[0-9a-f][0-9a-f]*\)$'); then
		base=${base%"$tail"}
		n=${tail#-} n=${n%%-*}
		dist=git$n.${tail##*-}
	fi
	# a pre-release tag (v1.3.0-rc1) sorts before its release
	case $base in
	*-*) base=$(printf '%s' "$base" | sed 's/-/~/') ;;
	esac
	out=$base
	[ -z "$dist" ] || out=$out+$dist
	if [ -n "$dirty" ]; then
		if [ -n "$dist" ]; then out=$out.dirty; else out=$out+dirty; fi
	fi
	;;
*)
	expr "X$v" : 'X[0-9a-f]\{4,40\}$' >/dev/null || fail "cannot make a package version of VERSION '$1'"
	expr "X$count" : 'X[0-9][0-9]*$' >/dev/null || fail "VERSION '$1' has no tag and the commit count '$count' is not a number"
	out=0.0~git$count.g$v
	[ -z "$dirty" ] || out=$out.dirty
	;;
esac

# what is left must be a version dpkg and rpm both take
expr "X$out" : 'X[0-9][A-Za-z0-9.+~]*$' >/dev/null || fail "cannot make a package version of VERSION '$1' (got '$out')"
echo "$out"

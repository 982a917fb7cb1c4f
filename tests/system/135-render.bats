#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# render: an image with its dependencies, found offline in a folder, as one
# layout or one image. What wins where is compared with appc's own renderer
# (pkg/acirenderer, tests/tools/acirender.go), path by path; each file's
# data names the image it came from, so python's tarfile tells the provider.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	[ ! -d /usr/share/gocode/src/github.com/appc/spec ] || build_go_tool acirender
}

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	mkdir imgs
}

# mkimg NAME 'MANIFEST MEMBERS' FILE...: imgs/NAME.aci, named example.com/NAME,
# with MEMBERS (JSON, after the name) and each FILE under rootfs holding
# "NAME\n"; FILE=>TARGET makes a symlink, FILE==OTHER a hardlink to OTHER.
mkimg() {
	local name=$1 members=$2 f
	shift 2
	rm -rf "L-$name"
	mkdir -p "L-$name/rootfs"
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/%s"%s}' \
		"$name" "$members" >"L-$name/manifest"
	for f in "$@"; do
		case $f in
		*=\>*) mkdir -p "L-$name/rootfs/$(dirname "${f%%=>*}")"
			ln -s "${f#*=>}" "L-$name/rootfs/${f%%=>*}" ;;
		*==*) mkdir -p "L-$name/rootfs/$(dirname "${f%%==*}")"
			ln "L-$name/rootfs/${f#*==}" "L-$name/rootfs/${f%%==*}" ;;
		*/) mkdir -p "L-$name/rootfs/$f" ;;
		*) mkdir -p "L-$name/rootfs/$(dirname "$f")"
			printf '%s\n' "$name" >"L-$name/rootfs/$f" ;;
		esac
	done
	"$ACITOOL" build --mtime=1700000000 --owner-root "L-$name" "imgs/$name.aci"
}

dep() {
	printf '{"imageName":"example.com/%s"%s}' "$1" "${2:-}"
}

# providers IMAGE: "PATH<TAB>WHO" for each entry of a rendered image: who
# wrote a file (its data), "dir" or "-> TARGET" for the others.
providers() {
	python3 - "$1" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if m.name == "manifest":
            continue
        if m.isfile():
            who = t.extractfile(m).read().decode().strip()
        elif m.isdir():
            who = "dir"
        elif m.issym():
            who = "-> " + m.linkname
        else:
            who = "link " + m.linkname
        print("%s\t%s" % (m.name, who))
EOF
}

# appc's renderer on the same images: "PATH<TAB>WHO" for what it takes from
# each, files' WHO read from that image, sorted; and ours, the same way.
compare_acirenderer() {
	[ -x "$BATS_FILE_TMPDIR/acirender" ] || skip "no Go and appc's sources (make check installs them)"
	"$BATS_FILE_TMPDIR/acirender" imgs "imgs/$1.aci" >appc.txt
	python3 - appc.txt <<'EOF' | sort >appc.who
import sys, tarfile
seen = {}
for line in open(sys.argv[1]):
    path, name = line.rstrip("\n").split("\t")
    if path in ("manifest", "rootfs") or path in seen:
        continue
    img = "imgs/%s.aci" % name.split("/")[-1]
    m = tarfile.open(img).getmember(path)
    who = ("dir" if m.isdir() else "-> " + m.linkname if m.issym() else
           tarfile.open(img).extractfile(m).read().decode().strip() if m.isfile() else
           "link")
    seen[path] = who
for p, w in seen.items():
    print("%s\t%s" % (p, w))
EOF
	providers "$2" | grep -v $'^rootfs\t' | sed 's/\tlink .*/\tlink/' | sort >ours.who
}

@test "a chain with siblings and a shared base: the spec's order, what wins, as appc renders it" {
	mkimg base '' etc/os-release bin/sh etc/base-only usr/lib/x
	mkimg mid ",\"dependencies\":[$(dep base)]" etc/os-release bin/mid
	mkimg certs ",\"dependencies\":[$(dep base)]" etc/os-release etc/ssl/cert
	mkimg top ",\"app\":{\"exec\":[\"/bin/sh\"],\"user\":\"0\",\"group\":\"0\"},\"dependencies\":[$(dep mid),$(dep certs)]" etc/app
	run_acitool render --list imgs/top.aci
	assert "$output" == "imgs/top.aci	example.com/top
imgs/certs.aci	example.com/top -> example.com/certs
imgs/base.aci	example.com/top -> example.com/certs -> example.com/base
imgs/mid.aci	example.com/top -> example.com/mid
imgs/base.aci	example.com/top -> example.com/mid -> example.com/base" "the render order, upper first"
	run_acitool render --flatten imgs/top.aci flat.aci
	run providers flat.aci
	expect_output --substring "rootfs/etc/os-release	certs"
	expect_output --substring "rootfs/bin/sh	base"
	expect_output --substring "rootfs/bin/mid	mid"
	expect_output --substring "rootfs/etc/app	top"
	# No entry twice, no dependencies left, the app kept.
	run -0 python3 -c '
import json, tarfile
t = tarfile.open("flat.aci"); n = t.getnames()
assert len(n) == len(set(n)), "an entry twice"
m = json.loads(t.extractfile("manifest").read())
assert "dependencies" not in m and m["app"]["exec"] == ["/bin/sh"], m'
	run_acitool validate flat.aci
	compare_acirenderer top flat.aci
	diff -u appc.who ours.who
}

@test "dependencies by labels and by image ID; size" {
	mkimg base '' etc/v
	mv imgs/base.aci imgs/base1.aci
	sed -i 's/"example.com\/base"/"example.com\/base","labels":[{"name":"version","value":"2"}]/' L-base/manifest
	"$ACITOOL" build --mtime=1 L-base imgs/base2.aci
	id=$("$ACITOOL" id imgs/base2.aci | cut -d' ' -f1)
	size=$(stat -c %s imgs/base2.aci)
	mkimg a ",\"dependencies\":[$(dep base ',"labels":[{"name":"version","value":"2"}]')]"
	run_acitool render --list imgs/a.aci
	expect_output --substring "imgs/base2.aci"
	mkimg b ",\"dependencies\":[$(dep base ",\"imageID\":\"$id\",\"size\":$size")]"
	run_acitool render --list imgs/b.aci
	expect_output --substring "imgs/base2.aci"
	# A prefix of the ID, as rkt takes it (the spec wants it whole: only a
	# tool that does not check writes one, python's tarfile here).
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/p","dependencies":[{"imageName":"example.com/base","imageID":"%s"}]}' \
		"${id:0:20}" >p.json
	mkimage imgs/p.aci p.json
	run_acitool render --list imgs/p.aci
	expect_output --substring "imgs/base2.aci"
	# Name alone: both match.
	mkimg c ",\"dependencies\":[$(dep base)]"
	run_acitool 1 render --list imgs/c.aci
	expect_error_line render "example.com/c -> example.com/base: ambiguous: imgs/base1.aci and imgs/base2.aci both match"
	# A label nobody has; no os or arch is assumed for the others.
	mkimg d ",\"dependencies\":[$(dep base ',"labels":[{"name":"version","value":"3"}]')]"
	run_acitool 1 render --list imgs/d.aci
	expect_error_line render "example.com/d -> example.com/base,version=3: no image in imgs has that name and labels"
	mkimg e ",\"dependencies\":[$(dep base ",\"imageID\":\"$id\",\"size\":7")]"
	run_acitool 1 render imgs/e.aci out
	expect_error_line render "size 7, but imgs/base2.aci is $size bytes \(its tar [0-9]+\)"
	[ ! -e out ] || die "out made"
}

@test "a cycle, a missing image: an error naming the chain, nothing made" {
	mkimg x ",\"dependencies\":[$(dep y)]"
	mkimg y ",\"dependencies\":[$(dep x)]"
	run_acitool 1 render imgs/x.aci out
	expect_error_line render "example.com/x -> example.com/y -> example.com/x: a cycle \(example.com/x is imgs/x.aci\)"
	mkimg z ",\"dependencies\":[$(dep nowhere)]"
	printf 'not an image' >imgs/README
	run_acitool 1 render --flatten imgs/z.aci out.aci
	expect_error_line render "example.com/z -> example.com/nowhere: no image in imgs has that name and labels \(1 files there are not images, README first\)"
	expect_files . imgs L-x L-y L-z
}

@test "pathWhitelist: the image's own and its dependents', directories above listed paths" {
	mkimg base ",\"pathWhitelist\":[\"/etc/keep\",\"/usr/lib/x\",\"/etc/top\"]" etc/keep etc/drop usr/lib/x usr/share/doc/y empty/
	mkimg top ",\"dependencies\":[$(dep base)],\"pathWhitelist\":[\"/etc/keep\",\"/etc/top\",\"/usr/lib/x\",\"/bin/\"]" etc/top
	run_acitool render --flatten imgs/top.aci flat.aci
	run providers flat.aci
	echo "$output"
	expect_output --substring "rootfs/etc/keep	base"
	expect_output --substring "rootfs/usr/lib/x	base"
	expect_output --substring "rootfs/usr/lib	dir"
	expect_output --substring "rootfs/etc/top	top"
	for gone in rootfs/etc/drop rootfs/usr/share rootfs/empty; do
		[[ $output != *"$gone"* ]] || die "$gone kept"
	done
	compare_acirenderer top flat.aci
	# appc drops the directories above a listed path when a dependent's
	# list does not name them (rkt then makes them, mode 0755, root's, dated
	# now); acitool keeps the image's own, with their metadata.
	diff <(printf 'rootfs/usr\tdir\nrootfs/usr/lib\tdir\n' | sort - appc.who) ours.who
}

@test "hardlinks and masks across images: never into another image's file" {
	mkimg base '' bin/sh bin/ash==bin/sh lib/a/x lib/b/y
	mkimg top ",\"dependencies\":[$(dep base)]" bin/sh 'lib/a=>/elsewhere' lib/b/z
	run_acitool render --flatten imgs/top.aci flat.aci
	run providers flat.aci
	echo "$output"
	# /bin/sh is top's; /bin/ash, its hardlink in base, gets base's data.
	expect_output --substring "rootfs/bin/sh	top"
	expect_output --substring "rootfs/bin/ash	base"
	# top's symlink /lib/a masks base's /lib/a/x; /lib/b merges.
	expect_output --substring "rootfs/lib/a	-> /elsewhere"
	[[ $output != *"rootfs/lib/a/x"* ]] || die "masked path kept"
	expect_output --substring "rootfs/lib/b/y	base"
	expect_output --substring "rootfs/lib/b/z	top"
	compare_acirenderer top flat.aci
	# appc picks the same paths; rkt then links /bin/ash to top's /bin/sh
	# (its hardlink names a path, which top filled): acitool gives it
	# base's data, as the spec's lower-first order would.
	diff <(sed 's/^rootfs\/bin\/ash\t.*/rootfs\/bin\/ash\tbase/' appc.who) ours.who
	mkdir x
	tar -xf flat.aci -C x
	assert "$(cat x/rootfs/bin/ash)" == "base" "the hardlink's data, as GNU tar extracts it"
}

@test "a layout directory: what --flatten holds, extracted; whole or nothing" {
	mkimg base '' etc/os-release bin/sh
	mkimg top ",\"dependencies\":[$(dep base)]" etc/os-release
	run_acitool render imgs/top.aci out
	run_acitool render --flatten --no-compression imgs/top.aci flat.tar
	mkdir x
	tar -xf flat.tar -C x
	diff -r x out
	assert "$(cat out/rootfs/etc/os-release)" == "top" "the upper file"
	# Same images, same bytes.
	run_acitool render --flatten --no-compression imgs/top.aci flat2.tar
	cmp flat.tar flat2.tar
	# A target that is not empty: nothing is written into it.
	run_acitool 1 render imgs/top.aci out
	expect_error_line render "out"
	# An image without dependencies renders as extract extracts it.
	run_acitool render imgs/base.aci base-out
	run_acitool extract imgs/base.aci base-x
	diff -r base-out base-x
}

@test "patch-manifest --pin-dependencies: each dependency's imageID and size, then render takes them" {
	mkimg base '' etc/os-release
	mkimg top ",\"dependencies\":[$(dep base)]" etc/app
	run_acitool patch-manifest --pin-dependencies=imgs imgs/top.aci pinned.aci
	id=$("$ACITOOL" id imgs/base.aci | cut -d' ' -f1)
	size=$(gzip -dc imgs/base.aci | wc -c)
	run -0 python3 -c '
import json, sys, tarfile
m = json.loads(tarfile.open("pinned.aci").extractfile("manifest").read())
assert m["dependencies"] == [{"imageName": "example.com/base", "imageID": sys.argv[1],
                              "size": int(sys.argv[2])}], m["dependencies"]' "$id" "$size"
	run_acitool validate pinned.aci
	run_acitool render --list pinned.aci --image-dir=imgs
	expect_output --substring "imgs/base.aci"
	# Another image of that name: the pinned render refuses it.
	rm imgs/base.aci
	mkimg base '' etc/os-release etc/changed
	run_acitool 1 render --list --image-dir=imgs pinned.aci
	expect_error_line render "example.com/top -> example.com/base,imageID=sha512-[0-9a-f]{12}\.\.\.: no image in imgs has that name, labels and ID"
	# Nothing to pin.
	run_acitool 1 patch-manifest --pin-dependencies=imgs imgs/base.aci x.aci
	expect_error_line patch-manifest "the manifest has no dependencies"
	run_acitool patch-manifest --ignore-missing --pin-dependencies=imgs --label=a=b imgs/base.aci y.aci
}

@test "a base masked file by file, a hardlink to one: one temporary file, not a descriptor each" {
	local i
	mkdir -p L-base/rootfs/d L-top/rootfs/d
	for i in $(seq 1 300); do
		echo base >"L-base/rootfs/d/f$i"
		echo top >"L-top/rootfs/d/f$i"
	done
	ln L-base/rootfs/d/f1 L-base/rootfs/d/link
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/base"}' >L-base/manifest
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/top","dependencies":[{"imageName":"example.com/base"}]}' >L-top/manifest
	"$ACITOOL" build L-base imgs/base.aci
	"$ACITOOL" build L-top imgs/top.aci
	run bash -c "ulimit -n 64 && '$ACITOOL' render --flatten imgs/top.aci flat.aci"
	[ "$status" -eq 0 ] || die "render with 64 descriptors: $output"
	run providers flat.aci
	expect_output --substring "rootfs/d/f1	top"
	expect_output --substring "rootfs/d/link	base"
}

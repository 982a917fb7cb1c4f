#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# patch-manifest's field options (--name, --exec, --user, --group,
# --supplementary-groups, --mounts, --ports, --isolators, --seccomp-*,
# --manifest): each value read back with python's json and compared with what
# was asked, the bytes around each edit, where new fields go, and every kind of
# bad value refused before anything is written.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

# keys IMAGE [app]: the top-level (or app's) keys in order, space-separated.
keys() {
	python3 -c '
import json, sys, tarfile
m = json.loads(tarfile.open(sys.argv[1], "r:*").extractfile("manifest").read())
print(" ".join(m["app"] if len(sys.argv) > 2 else m))' "$@"
}

@test "each option round-trips, read back by python's json" {
	local in=$ACT_FIXTURES/kitchen.tgz
	run_acitool patch-manifest --name=example.com/renamed "$in" name.aci
	check_fields "$in" name.aci 'm["name"] = "example.com/renamed"'

	run_acitool patch-manifest --exec='/bin/sh -c "echo  hi"  x\ y '"'a\"b'" "$in" exec.aci
	check_fields "$in" exec.aci 'app["exec"] = ["/bin/sh", "-c", "echo  hi", "x y", "a\"b"]'

	# A bare command name, sought on PATH, as validate and the spec take it.
	run_acitool patch-manifest --exec="sh -c 'echo hi'" "$in" exec2.aci
	check_fields "$in" exec2.aci 'app["exec"] = ["sh", "-c", "echo hi"]'
	run_acitool validate exec2.aci

	# The spec's K suffix, which validate takes too.
	run_acitool patch-manifest --isolators=resource/memory,limit=1K "$in" k.aci
	run_acitool validate k.aci

	run_acitool patch-manifest --user=nobody --group=/bin/ping "$in" ug.aci
	check_fields "$in" ug.aci 'app["user"] = "nobody"; app["group"] = "/bin/ping"'

	run_acitool patch-manifest --supplementary-groups=0,10,4294967294 "$in" gids.aci
	check_fields "$in" gids.aci 'app["supplementaryGIDs"] = [0, 10, 4294967294]'

	run_acitool patch-manifest --mounts=work,path=/opt/c++,readOnly=true:data,path=/var/a=b,readOnly=f "$in" mounts.aci
	check_fields "$in" mounts.aci 'app["mountPoints"] = [
	    {"name": "work", "path": "/opt/c++", "readOnly": True}, {"name": "data", "path": "/var/a=b"}]'

	run_acitool patch-manifest --ports=http,protocol=tcp,port=80:dns,port=53,count=2,protocol=udp,socketActivated=true "$in" ports.aci
	check_fields "$in" ports.aci 'app["ports"] = [
	    {"name": "http", "protocol": "tcp", "port": 80, "count": 1, "socketActivated": False},
	    {"name": "dns", "protocol": "udp", "port": 53, "count": 2, "socketActivated": True}]'

	run_acitool patch-manifest --isolators=resource/cpu,limit=1.5,request=250m:os/linux/oom-score-adj,-250:os/linux/no-new-privileges,false:resource/block-iops,limit=1e3:resource/network-bandwidth,default=true,limit=10Mi "$in" iso.aci
	check_fields "$in" iso.aci 'app["isolators"] += [
	    {"name": "resource/cpu", "value": {"limit": "1.5", "request": "250m"}},
	    {"name": "os/linux/oom-score-adj", "value": -250},
	    {"name": "os/linux/no-new-privileges", "value": False},
	    {"name": "resource/block-iops", "value": {"default": True, "limit": "1e3"}},
	    {"name": "resource/network-bandwidth", "value": {"default": True, "limit": "10Mi"}}]'

	run_acitool patch-manifest --seccomp-mode=errno=EPERM,retain --seccomp-set=read,write,read,@appc.io/all "$in" sc.aci
	check_fields "$in" sc.aci 'app["isolators"].append({"name": "os/linux/seccomp-retain-set",
	    "value": {"set": ["read", "write", "@appc.io/all"], "errno": "EPERM"}})'
	run_acitool patch-manifest --seccomp-mode=remove --seccomp-set=reboot "$in" sc2.aci
	check_fields "$in" sc2.aci 'app["isolators"].append({"name": "os/linux/seccomp-remove-set",
	    "value": {"set": ["reboot"]}})'

	# All of them at once: applied in actool's order, isolators last.
	run_acitool patch-manifest --name=example.com/all --exec=/bin/true --user=1 --group=2 \
		--supplementary-groups=3 --mounts=m,path=/m --ports=p,protocol=tcp,port=1 \
		--isolators=resource/memory,limit=2G --seccomp-mode=remove --seccomp-set=reboot \
		--capability=net_raw "$in" all.aci
	check_fields "$in" all.aci '
m["name"] = "example.com/all"
app.update(exec=["/bin/true"], user="1", group="2", supplementaryGIDs=[3],
           mountPoints=[{"name": "m", "path": "/m"}],
           ports=[{"name": "p", "protocol": "tcp", "port": 1, "count": 1, "socketActivated": False}])
app["isolators"] = [
    {"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}},
    {"name": "os/linux/seccomp-remove-set", "value": {"set": ["reboot"]}},
    {"name": "resource/memory", "value": {"limit": "2G"}}]'
	assert "$(keys all.aci app)" == "exec user group supplementaryGIDs mountPoints ports isolators" \
		"app's keys"
	# The check can fail: a wrong expectation is caught.
	run ! check_fields "$in" all.aci 'm["name"] = "example.com/other"'
}

@test "outside the edited values, every byte stays: key order, unknown fields, spacing" {
	cat >m.json <<'EOF'
{ "acKind" : "ImageManifest",
  "x-first": {"b":1, "a":[1.50e+01, "\u00e9"]},
  "acVersion":"0.8.11", "name":"example.com/bytes",
  "app": {
     "exec" : [ "/bin/old" ],
     "x-app": true,
     "user":"0",   "group":"0",
     "supplementaryGids" :[1],
     "mountPoints": [ {"name":"keep","path":"/k", "x":1},
                      {"name":"other","path":"/o"} ],
     "isolators": [ {"name":"resource/memory","value":{"limit":"1G","x":"y"}},
                    {"name":"os/linux/oom-score-adj","value":5} ]
  },
  "x-last": null
}
EOF
	mkimage in.aci m.json

	# expect OUT PYTHON: OUT's manifest is m.json's text edited by PYTHON (on
	# t; %...% quotes a python string).
	expect() {
		manifest "$1" >got
		python3 - "$2" <<'EOF'
import sys
t = open("m.json").read()
exec(sys.argv[1].replace("%", "'"))
got = open("got").read()
if got != t:
    sys.exit("got:\n%s\nwant:\n%s" % (got, t))
EOF
	}
	run_acitool patch-manifest --user=1000 in.aci user.aci
	expect user.aci 't = t.replace(%"user":"0"%, %"user":"1000"%)'
	run_acitool patch-manifest --name=example.com/new --exec="/bin/new -v" in.aci ne.aci
	expect ne.aci 't = t.replace(%"example.com/bytes"%, %"example.com/new"%).replace(%[ "/bin/old" ]%, %["/bin/new","-v"]%)'
	# The spec's spelling of supplementaryGIDs is kept.
	run_acitool patch-manifest --supplementary-groups=7,8 in.aci gids.aci
	expect gids.aci 't = t.replace(%"supplementaryGids" :[1]%, %"supplementaryGids" :[7,8]%)'
	# A mount of an existing name is replaced in place; a new one comes last,
	# indented like the last one.
	run_acitool patch-manifest --mounts=new,path=/n:keep,path=/k2,readOnly=true in.aci mounts.aci
	expect mounts.aci 't = t.replace(%{"name":"keep","path":"/k", "x":1}%, %{"name":"keep","path":"/k2","readOnly":true}%).replace(%{"name":"other","path":"/o"} ]%, %{"name":"other","path":"/o"},\n                      {"name":"new","path":"/n"} ]%)'
	# ports is missing: it goes after mountPoints, spaced like it. The root
	# is on one line: the document is compact, and so is the new value.
	run_acitool patch-manifest --ports=web,protocol=tcp,port=8080 in.aci ports.aci
	expect ports.aci 't = t.replace(%"/o"} ],%, %"/o"} ],\n     "ports": [{"name":"web","protocol":"tcp","port":8080,"count":1,"socketActivated":false}],%)'
	# An isolator of the same name goes; the new one comes last.
	run_acitool patch-manifest --isolators=resource/memory,limit=2G in.aci iso.aci
	expect iso.aci 't = t.replace(%[ {"name":"resource/memory","value":{"limit":"1G","x":"y"}},\n                    {%, %[ {%).replace(%"value":5} ]%, %"value":5},\n                    {"name":"resource/memory","value":{"limit":"2G"}} ]%)'
}

@test "the 'expect' helper above can fail" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":{"user":"0","group":"0"}}' >m.json
	mkimage in.aci m.json
	run_acitool patch-manifest --user=1 in.aci out.aci
	manifest out.aci >got
	run ! cmp -s got m.json
	assert "$(cat got)" == '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":{"user":"1","group":"0"}}' \
		"patched manifest"
}

@test "new fields go where appc puts them, in the style of their neighbours" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":{"x-a":1,"group":"0","x-b":2,"userLabels":{}}}' >m.json
	mkimage in.aci m.json
	run_acitool patch-manifest --exec=/bin/a --user=u --isolators=resource/cpu,limit=1 \
		--supplementary-groups=5 in.aci out.aci
	assert "$(keys out.aci app)" == "x-a exec user group supplementaryGIDs isolators x-b userLabels" \
		"app's keys"

	# A pretty-printed app: new members on their own lines, same indentation,
	# and their values laid out as a pretty-printer would.
	cat >m.json <<'EOF'
{
    "acKind": "ImageManifest",
    "acVersion": "0.8.11",
    "name": "example.com/a",
    "app": {
        "user": "0",
        "group": "0"
    }
}
EOF
	mkimage in2.aci m.json
	run_acitool patch-manifest --exec=/bin/a --ports=p,protocol=tcp,port=1 in2.aci out2.aci
	manifest out2.aci >got
	cat >want <<'EOF'
{
    "acKind": "ImageManifest",
    "acVersion": "0.8.11",
    "name": "example.com/a",
    "app": {
        "exec": [
            "/bin/a"
        ],
        "user": "0",
        "group": "0",
        "ports": [
            {
                "name": "p",
                "protocol": "tcp",
                "port": 1,
                "count": 1,
                "socketActivated": false
            }
        ]
    }
}
EOF
	diff -u want got
}

@test "a value written into an indented manifest is laid out like its neighbours" {
	# json.dumps(indent=N) lays out every container on lines of its own: the
	# patched manifest must be what it writes for the patched content, for 2
	# spaces, 4 spaces and tabs.
	local indent
	for indent in 2 4 '"\t"'; do
		python3 -c '
import json, sys
m = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/a",
     "app": {"exec": ["/bin/sh", "-c", "echo hi"], "user": "0", "group": "0",
             "ports": [{"name": "http", "protocol": "tcp", "port": 80}],
             "mountPoints": [], "isolators": [{"name": "resource/memory", "value": {"limit": "1G"}}]},
     "annotations": [{"name": "a", "value": "b"}]}
sys.stdout.write(json.dumps(m, indent=eval(sys.argv[1])))' "$indent" >m.json
		mkimage in.aci m.json
		run_acitool patch-manifest --overwrite --capability=CAP_NET_RAW --exec="/app --debug" \
			--ports=dns,protocol=udp,port=53 --mounts=data,path=/data \
			--isolators=resource/memory,limit=2G:resource/cpu,limit=1 --user=1000 in.aci out.aci
		manifest out.aci >got
		run -0 python3 -c '
import json, sys
sys.stdout.write(json.dumps(json.load(open("got")), indent=eval(sys.argv[1])))' "$indent"
		printf '%s' "$output" >want
		diff -u want got
	done

	# Values on one line among members on lines of their own keep to one
	# line, with their neighbours' spacing: the audit's example.
	cat >m.json <<'EOF'
{
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "example.com/app",
  "app": {
    "exec": ["/bin/sh", "-c", "echo hi"],
    "user": "0",
    "group": "0",
    "ports": [
      {"name": "http", "protocol": "tcp", "port": 80}
    ]
  }
}
EOF
	mkimage in.aci m.json
	run_acitool patch-manifest --overwrite --exec="/app --debug" --ports=dns,protocol=udp,port=53 \
		--capability=CAP_NET_RAW in.aci out.aci
	manifest out.aci >got
	cat >want <<'EOF'
{
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "example.com/app",
  "app": {
    "exec": ["/app", "--debug"],
    "user": "0",
    "group": "0",
    "ports": [
      {"name": "http", "protocol": "tcp", "port": 80},
      {"name": "dns", "protocol": "udp", "port": 53, "count": 1, "socketActivated": false}
    ],
    "isolators": [
      {
        "name": "os/linux/capabilities-retain-set",
        "value": {
          "set": [
            "CAP_NET_RAW"
          ]
        }
      }
    ]
  }
}
EOF
	diff -u want got
}

@test "no app: --exec with --user and --group creates one; other options are errors" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","labels":[{"name":"os","value":"linux"}],"annotations":[]}' >noapp.json
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":null}' >null.json
	mkimage noapp.aci noapp.json
	mkimage null.aci null.json

	run_acitool patch-manifest --exec=/bin/a --user=0 --group=0 --mounts=m,path=/m noapp.aci a.aci
	check_fields noapp.aci a.aci 'm["app"] = {"exec": ["/bin/a"], "user": "0", "group": "0",
	    "mountPoints": [{"name": "m", "path": "/m"}]}'
	assert "$(keys a.aci)" == "acKind acVersion name labels app annotations" "top-level keys"
	run_acitool patch-manifest --exec=/bin/a --user=0 --group=0 --capability=kill null.aci b.aci
	check_fields null.aci b.aci 'm["app"] = {"exec": ["/bin/a"], "user": "0", "group": "0",
	    "isolators": [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL"]}}]}'
	# --name needs no app.
	run_acitool patch-manifest --name=example.com/b noapp.aci c.aci
	check_fields noapp.aci c.aci 'm["name"] = "example.com/b"'

	local opt
	for opt in --user=0 --group=0 --supplementary-groups=1 --mounts=m,path=/m \
		--ports=p,protocol=tcp,port=1 --isolators=resource/cpu,limit=1 \
		--revoke-capability=mknod "--seccomp-mode=remove --seccomp-set=reboot" \
		"--exec=/bin/a --user=0" "--exec=/bin/a --group=0" --exec=/bin/a; do
		for img in noapp null; do
			# shellcheck disable=SC2086
			run_acitool 1 patch-manifest $opt $img.aci out.aci
			expect_error_line patch-manifest "$img.aci: cannot patch the manifest: manifest has no app"
		done
	done
	expect_files . noapp.json null.json noapp.aci null.aci a.aci b.aci c.aci
}

@test "--mounts, --ports, --isolators and --seccomp-*: what they replace" {
	cat >m.json <<'EOF'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":{"user":"0","group":"0",
 "mountPoints":[{"name":"a","path":"/a"},{"name":"b","path":"/b"},{"name":"a","path":"/a2"}],
 "ports":[{"name":"web","protocol":"tcp","port":80}],
 "isolators":[{"name":"os/linux/seccomp-retain-set","value":{"set":["read"]}},
              {"name":"resource/memory","value":{"limit":"1G"}},
              {"name":"os/linux/seccomp-remove-set","value":{"set":["reboot"]}},
              {"name":"resource/memory","value":{"request":"1M"}},
              {"name":"example.com/unknown","value":1},
              {"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_KILL"]}}]}}
EOF
	mkimage in.aci m.json
	# Namesakes: the first is replaced in place, later ones dropped.
	run_acitool patch-manifest --mounts=a,path=/new:c,path=/c --ports=web,protocol=udp,port=81 in.aci a.aci
	check_fields in.aci a.aci '
app["mountPoints"] = [{"name": "a", "path": "/new"}, {"name": "b", "path": "/b"}, {"name": "c", "path": "/c"}]
app["ports"] = [{"name": "web", "protocol": "udp", "port": 81, "count": 1, "socketActivated": False}]'
	# Every isolator of the given name goes, the new one comes last; seccomp
	# replaces both kinds; others stay where they were.
	run_acitool patch-manifest --isolators=resource/memory,limit=2G --seccomp-mode=retain \
		--seccomp-set=write in.aci b.aci
	check_fields in.aci b.aci '
app["isolators"] = [
    {"name": "example.com/unknown", "value": 1},
    {"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL"]}},
    {"name": "os/linux/seccomp-retain-set", "value": {"set": ["write"]}},
    {"name": "resource/memory", "value": {"limit": "2G"}}]'
}

@test "bad values: a usage error (or exit 1), one line, no output" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a"}' >noapp.json
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":{"user":"0","group":"0","mountPoints":"x"}}' >badtype.json
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/ok"}' >ok.json
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/ok"' >trunc.json
	printf '{"acKind":"PodManifest","acVersion":"0.8.11","name":"example.com/ok"}' >pod.json
	printf 'not json' >text.json
	printf '{"acKind":"ImageManifest","acVersion":"1.0","name":"Foo","app":{"user":"0"}}' >spec.json
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"Foo"}' >name.json
	python3 -c 'print("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/a\"" + " " * 1048576 + "}")' >big.json
	mkimage noapp.aci noapp.json
	mkimage badtype.aci badtype.json
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci

	# RC IMAGE ARGS (shell words) ERROR (a regex)
	local n=0 rc img args want line
	while IFS='|' read -r rc img args want; do
		[ -n "$rc" ] || continue
		n=$((n + 1))
		eval "set -- $args"
		run_acitool "$rc" patch-manifest "$@" "$img" out.aci
		expect_error_line patch-manifest "$want"
		[ ! -e out.aci ] || die "out.aci written for: $args"
	done <<'EOF'
2|in.aci|--name=Example.com/a|--name: 'Example.com/a' is not an AC identifier
2|in.aci|--name=example..com|--name: 'example..com' is not an AC identifier
2|in.aci|--name=example.com/|not an AC identifier
2|in.aci|--name=|--name: '' is not an AC identifier
2|in.aci|--exec="''"|--exec: the program name is empty
2|in.aci|--exec=|--exec: no command
2|in.aci|'--exec=  '|--exec: no command
2|in.aci|"--exec=/bin/sh 'x"|--exec: .*unterminated single quote
2|in.aci|'--exec=/bin/sh "x'|--exec: .*unterminated double quote
2|in.aci|'--exec=/bin/sh x\'|--exec: .*ends in a backslash
2|in.aci|--user=|--user: empty
2|in.aci|--group=|--group: empty
2|in.aci|--user=$'\xff'|--user: invalid UTF-8
2|in.aci|--supplementary-groups=1,x|--supplementary-groups: 'x' is not a group id
2|in.aci|--supplementary-groups=-1|--supplementary-groups: '-1' is not a group id
2|in.aci|--supplementary-groups=4294967295|'4294967295' is not a group id
2|in.aci|--supplementary-groups=1,,2|'' is not a group id
2|in.aci|--supplementary-groups=|'' is not a group id
2|in.aci|--supplementary-groups=' 1'|' 1' is not a group id
2|in.aci|--mounts=work|--mounts: 'work': no path=
2|in.aci|--mounts=work,path=rel|--mounts: 'work,path=rel': path 'rel' is not absolute
2|in.aci|--mounts=Work,path=/x|--mounts: mount point name 'Work' is not an AC name
2|in.aci|--mounts=a--b,path=/x|'a--b' is not an AC name
2|in.aci|--mounts=,path=/x|'' is not an AC name
2|in.aci|--mounts=path=/x|'path=/x' is not an AC name
2|in.aci|--mounts=work,path=/x,ro=true|unknown key 'ro'
2|in.aci|--mounts=work,path=/x,readOnly=maybe|readOnly 'maybe' is not true or false
2|in.aci|--mounts=work,path|'path' is not KEY=VALUE
2|in.aci|--mounts=work,path=/x,path=/y|'path' given twice
2|in.aci|--mounts=a,path=/a:a,path=/b|mount point 'a' given twice
2|in.aci|--mounts=a,path=/a:|'' is not an AC name
2|in.aci|--ports=http,protocol=tcp|--ports: 'http,protocol=tcp': no port=
2|in.aci|--ports=http,port=80|no protocol=
2|in.aci|--ports=http,protocol=,port=80|no protocol=
2|in.aci|--ports=http,protocol=tcp,port=0|port '0' is not 1 to 65535
2|in.aci|--ports=http,protocol=tcp,port=65536|port '65536' is not 1 to 65535
2|in.aci|--ports=http,protocol=tcp,port=+80|port '\+80' is not 1 to 65535
2|in.aci|--ports=http,protocol=tcp,port=80,count=0|count '0' is not 1 to 65535
2|in.aci|--ports=http,protocol=tcp,port=65535,count=2|the range ends past port 65535
2|in.aci|--ports=http,protocol=tcp,port=80,socketActivated=yes|socketActivated 'yes' is not true or false
2|in.aci|--ports=http,protocol=tcp,port=80,hostPort=8080|unknown key 'hostPort'
2|in.aci|--ports=h_p,protocol=tcp,port=80|port name 'h_p' is not an AC name
2|in.aci|--isolators=resource/memory,limit=1GB|--isolators: limit: '1GB': unknown suffix 'GB'
2|in.aci|--isolators=resource/memory,limit=-1|'-1' is not a quantity
2|in.aci|--isolators=resource/cpu,request=|'' is not a quantity
2|in.aci|--isolators=resource/memory|give request= or limit=
2|in.aci|--isolators=resource/memory,default=false,limit=1G|give request= or limit= .*and no default=
2|in.aci|--isolators=resource/memory,max=1G|unknown key 'max'
2|in.aci|--isolators=os/linux/no-new-privileges=true|--isolators: 'os/linux/no-new-privileges=true': write os/linux/no-new-privileges,true \(see
2|in.aci|--isolators=resource/block-iops,limit=1,default=false|give limit= only
2|in.aci|--isolators=resource/block-bandwidth,request=1,limit=1|give limit= only
2|in.aci|--isolators=resource/network-bandwidth|give limit= only
2|in.aci|--isolators=os/linux/oom-score-adj,1001|'os/linux/oom-score-adj,1001' is not NAME,N
2|in.aci|--isolators=os/linux/oom-score-adj|is not NAME,N
2|in.aci|--isolators=os/linux/oom-score-adj,1,2|is not NAME,N
2|in.aci|--isolators=os/linux/no-new-privileges,yes|is not NAME,true or NAME,false
2|in.aci|'--isolators=os/linux/no-new-privileges,{}'|is not NAME,true
2|in.aci|--isolators=os/linux/capabilities-retain-set,set=CAP_KILL|use --capability or --revoke-capability
2|in.aci|--isolators=os/linux/capabilities-remove-set,set=CAP_KILL|use --capability or --revoke-capability
2|in.aci|--isolators=os/linux/seccomp-remove-set,set=reboot|use --seccomp-mode and --seccomp-set
2|in.aci|--isolators=example.com/ponies,x=1|'example.com/ponies' cannot be set this way
2|in.aci|--isolators=os/linux/cpu-shares,2|'os/linux/cpu-shares' cannot be set this way
2|in.aci|--isolators=resource/memory,limit=1G:resource/memory,limit=2G|isolator 'resource/memory' given twice
2|in.aci|--seccomp-mode=block --seccomp-set=reboot|--seccomp-mode: 'block' is not remove or retain
2|in.aci|--seccomp-mode=remove,retain --seccomp-set=reboot|'remove,retain' is not remove or retain
2|in.aci|--seccomp-mode=remove,errno=EPERM,errno=EIO --seccomp-set=reboot|is not remove or retain
2|in.aci|--seccomp-mode=errno=EPERM --seccomp-set=reboot|'errno=EPERM' gives no mode
2|in.aci|--seccomp-mode=remove|--seccomp-mode needs --seccomp-set
2|in.aci|--seccomp-set=reboot|--seccomp-set needs --seccomp-mode
2|in.aci|--seccomp-mode=remove,errno=eperm --seccomp-set=reboot|'eperm' is not an errno name
2|in.aci|--seccomp-mode=remove,errno= --seccomp-set=reboot|'' is not an errno name
2|in.aci|--seccomp-mode=remove --seccomp-set=reboot,Read|--seccomp-set: 'Read' is not a system call name
2|in.aci|--seccomp-mode=remove --seccomp-set=reboot,|'' is not a system call name
2|in.aci|--seccomp-mode=remove --seccomp-set=@|'@' is not a system call name
2|in.aci|--seccomp-mode=remove,errno=EACCESS --seccomp-set=reboot|isolator 'os/linux/seccomp-remove-set': value.errno: unknown errno name 'EACCESS'
2|in.aci|--seccomp-mode=remove --seccomp-set=@appc.io/all|isolator 'os/linux/seccomp-remove-set': value.set\[0\]: '@appc.io/all' is not an appc wildcard here
2|in.aci|--seccomp-mode=retain --seccomp-set=read,@all|value.set\[1\]: a wildcard needs a scope
2|in.aci|--isolators=os/linux/oom-score-adj,1:resource/cpu,request=2,limit=500m|isolator 'resource/cpu': value.request: the request is more than the limit
2|in.aci|--manifest=ok.json --user=0|--manifest replaces the whole manifest: it excludes
2|in.aci|--manifest=ok.json --revoke-capability=mknod|--manifest replaces the whole manifest
2|in.aci|--manifest=ok.json --supplementary-groups=1|--manifest replaces the whole manifest
2|in.aci|--manifest=ok.json --seccomp-mode=remove --seccomp-set=x|--manifest replaces the whole manifest
2|in.aci|--manifest=ok.json --isolators=resource/cpu,limit=1|--manifest replaces the whole manifest
2|-|--manifest=-|--manifest - and IMAGE - cannot both read standard input
1|in.aci|--manifest=trunc.json|trunc.json: not a valid image manifest: 
1|in.aci|--manifest=pod.json|pod.json: not a valid image manifest: acKind must be 'ImageManifest'
1|in.aci|--manifest=spec.json|spec.json: not a valid image manifest: acVersion: not a SemVer 2.0.0 version: '1.0' \(and 2 more problems\)$
1|in.aci|--manifest=name.json|name.json: not a valid image manifest: name: not an ACIdentifier: 'Foo'$
1|in.aci|--manifest=big.json|big.json: over the manifest size limit of 1048576 bytes
1|in.aci|--manifest=text.json|text.json: not a valid image manifest
1|in.aci|--manifest=missing.json|missing.json: cannot open: No such file or directory
1|in.aci|--manifest=.|\.: cannot read: Is a directory
1|noapp.aci|--seccomp-mode=remove --seccomp-set=reboot|noapp.aci: .*manifest has no app: --seccomp-mode=remove --seccomp-set=reboot edits one, and only an exec option makes one
1|noapp.aci|--exec=/bin/true|noapp.aci: .*manifest has no app: a new one needs --user and --group as well as --exec=/bin/true
1|badtype.aci|--mounts=m,path=/m|badtype.aci: .*app.mountPoints must be an array or null
EOF
	assert "$n" -gt 80 "cases run"
}

@test "--manifest: the file's bytes, as they are, whatever the image's manifest" {
	printf '{\n  "acKind": "ImageManifest",\n  "acVersion": "0.8.11",\n  "name": "example.com/new",\n  "x-kept": [1.0]\n}\n' >new.json
	printf '{"acKind":"ImageManifest"' >trunc.json
	run_acitool patch-manifest --manifest=new.json "$ACT_FIXTURES/kitchen.txz" out.aci
	manifest out.aci >got
	cmp new.json got
	assert "$(compression out.aci)" == xz "compression"
	run $TARCMP "$ACT_FIXTURES/kitchen.txz" out.aci --skip-data manifest
	assert "$status" -eq 0 "tarcmp: $output"

	# '-' reads it from standard input.
	run_acitool patch-manifest --manifest=- "$ACT_FIXTURES/kitchen.tgz" stdin.aci <new.json
	manifest stdin.aci >got
	cmp new.json got
	run_acitool 1 patch-manifest --manifest=- "$ACT_FIXTURES/kitchen.tgz" stdin2.aci <trunc.json
	expect_error_line patch-manifest "\(stdin\): not a valid image manifest"
	[ ! -e stdin2.aci ] || die "stdin2.aci written for a bad manifest"

	# It repairs an image whose manifest is not even JSON.
	run_acitool patch-manifest --manifest=new.json "$ACT_FIXTURES/bad/manifest-notjson.tar" fixed.aci
	manifest fixed.aci >got
	cmp new.json got

	# With file capabilities, which see the new manifest's bounding set.
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/new","app":{"user":"0","group":"0","isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_KILL"]}}]}}' >caps.json
	run_acitool 1 patch-manifest --manifest=caps.json --filecap=/bin/ping=cap_net_raw+ep \
		"$ACT_FIXTURES/kitchen.tgz" caps.aci
	expect_output --substring "CAP_NET_RAW is outside the app's capability bounding set, with the effective flag"
	run_acitool patch-manifest --manifest=caps.json --filecap=/bin/ping=cap_net_raw+p \
		"$ACT_FIXTURES/kitchen.tgz" caps.aci
	expect_output --substring "CAP_NET_RAW is outside"
	manifest caps.aci >got
	cmp caps.json got

	# And an image whose manifest is over the 1 MiB any reader allows: the
	# old one is not read, only dropped.
	run_acitool patch-manifest --manifest=new.json "$ACT_FIXTURES/bad/manifest-huge.tar" huge.aci
	manifest huge.aci >got
	cmp new.json got
	run $TARCMP "$ACT_FIXTURES/bad/manifest-huge.tar" huge.aci --skip-data manifest
	assert "$status" -eq 0 "tarcmp: $output"
	run_acitool 1 patch-manifest --name=example.com/x "$ACT_FIXTURES/bad/manifest-huge.tar" huge2.aci
	expect_error_line patch-manifest "over the limit"
}

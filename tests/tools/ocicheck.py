#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ocicheck.py DIR [TAG]: an OCI image layout checked with the standard library.

oci-layout says 1.0.0; index.json is an index (schemaVersion 2); every
descriptor's blob exists with its size and sha256; each manifest's config and
layers too, and the config's diff_ids are the sha256 of the layers'
uncompressed bytes, one per layer. With TAG, prints the config of the image
of that ref.name as JSON (exit 1 when there is none). Exit 1 with a line on
stderr at the first fault.
"""
import gzip, hashlib, json, os, sys

def fail(msg):
    sys.exit("ocicheck: " + msg)

def blob(root, desc, what):
    for key in ("mediaType", "digest", "size"):
        if key not in desc:
            fail("%s: descriptor without %s" % (what, key))
    alg, _, hexd = desc["digest"].partition(":")
    if alg != "sha256" or len(hexd) != 64:
        fail("%s: digest %r" % (what, desc["digest"]))
    path = os.path.join(root, "blobs", alg, hexd)
    data = open(path, "rb").read()
    if len(data) != desc["size"]:
        fail("%s: size %d, descriptor says %d" % (what, len(data), desc["size"]))
    if hashlib.sha256(data).hexdigest() != hexd:
        fail("%s: content does not match its digest" % what)
    return data

def main():
    root, tag = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
    if json.load(open(os.path.join(root, "oci-layout"))) != {"imageLayoutVersion": "1.0.0"}:
        fail("oci-layout")
    index = json.load(open(os.path.join(root, "index.json")))
    if index.get("schemaVersion") != 2 or not isinstance(index.get("manifests"), list):
        fail("index.json is not an image index")
    found = None
    for i, d in enumerate(index["manifests"]):
        m = json.loads(blob(root, d, "index.json manifests[%d]" % i))
        if m.get("schemaVersion") != 2 or m.get("mediaType") != d["mediaType"]:
            fail("manifest %s: schemaVersion or mediaType" % d["digest"])
        config = json.loads(blob(root, m["config"], "config of " + d["digest"]))
        for key in ("architecture", "os", "rootfs"):
            if key not in config:
                fail("config of %s: no %s" % (d["digest"], key))
        diff_ids = config["rootfs"]["diff_ids"]
        if len(diff_ids) != len(m["layers"]):
            fail("config of %s: %d diff_ids for %d layers" % (d["digest"], len(diff_ids),
                                                              len(m["layers"])))
        for j, layer in enumerate(m["layers"]):
            data = blob(root, layer, "layer %d of %s" % (j, d["digest"]))
            if layer["mediaType"].endswith("+gzip"):
                data = gzip.decompress(data)
            if "sha256:" + hashlib.sha256(data).hexdigest() != diff_ids[j]:
                fail("layer %d of %s: its diff_id does not match" % (j, d["digest"]))
        if tag is not None and d.get("annotations", {}).get(
                "org.opencontainers.image.ref.name") == tag:
            found = config
    if tag is not None:
        if found is None:
            fail("no image tagged %r" % tag)
        print(json.dumps(found))

main()

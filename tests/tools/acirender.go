// SPDX-License-Identifier: Apache-2.0

// acirender DIR IMAGE: what appc's own renderer (pkg/acirenderer, as rkt
// used it) takes from each image when it renders IMAGE with its
// dependencies found in DIR: one line per path, "PATH<TAB>IMAGE-NAME", in
// the order rkt extracts them (upper image first, the first provider of a
// path wins). Images are plain or gzip tars; the key of an image is the
// SHA-512 of its tar, as in rkt's store. Standard library and appc only.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/ioutil"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/appc/spec/pkg/acirenderer"
	"github.com/appc/spec/schema"
	"github.com/appc/spec/schema/types"
)

type image struct {
	key  string
	tar  []byte
	im   *schema.ImageManifest
	path string
}

type registry struct{ images []*image }

func readTar(path string) ([]byte, error) {
	data, err := ioutil.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return ioutil.ReadAll(zr)
	}
	return data, nil
}

func (r *registry) ReadStream(key string) (io.ReadCloser, error) {
	for _, img := range r.images {
		if img.key == key {
			return ioutil.NopCloser(bytes.NewReader(img.tar)), nil
		}
	}
	return nil, errors.New("no image " + key)
}

func (r *registry) ResolveKey(key string) (string, error) {
	found := ""
	for _, img := range r.images {
		if strings.HasPrefix(img.key, key) {
			if found != "" {
				return "", errors.New("ambiguous image ID")
			}
			found = img.key
		}
	}
	if found == "" {
		return "", errors.New("no image " + key)
	}
	return found, nil
}

func (r *registry) HashToKey(h hash.Hash) string {
	return fmt.Sprintf("sha512-%x", h.Sum(nil))
}

func (r *registry) GetImageManifest(key string) (*schema.ImageManifest, error) {
	for _, img := range r.images {
		if img.key == key {
			return img.im, nil
		}
	}
	return nil, errors.New("no image " + key)
}

func (r *registry) GetACI(name types.ACIdentifier, labels types.Labels) (string, error) {
	for _, img := range r.images {
		if img.im.Name != name {
			continue
		}
		ok := true
		for _, l := range labels {
			v, has := img.im.GetLabel(l.Name.String())
			ok = ok && has && v == l.Value
		}
		if ok {
			return img.key, nil
		}
	}
	return "", fmt.Errorf("no image %s %v", name, labels)
}

func manifestOf(data []byte) ([]byte, error) {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err != nil {
			return nil, errors.New("no manifest")
		}
		if strings.TrimPrefix(hdr.Name, "./") == "manifest" {
			return ioutil.ReadAll(tr)
		}
	}
}

func load(path string) (*image, error) {
	data, err := readTar(path)
	if err != nil {
		return nil, err
	}
	m, err := manifestOf(data)
	if err != nil {
		return nil, err
	}
	var im schema.ImageManifest
	if err := im.UnmarshalJSON(m); err != nil {
		return nil, err
	}
	return &image{key: fmt.Sprintf("sha512-%x", sha512.Sum512(data)), tar: data, im: &im, path: path}, nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: acirender DIR IMAGE")
		os.Exit(2)
	}
	r := &registry{}
	files, _ := filepath.Glob(filepath.Join(os.Args[1], "*"))
	sort.Strings(files)
	for _, f := range files {
		if img, err := load(f); err == nil {
			r.images = append(r.images, img)
		}
	}
	top, err := load(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	imgs, err := acirenderer.CreateDepListFromNameLabels(top.im.Name, top.im.Labels, r)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rendered, err := acirenderer.GetRenderedACIFromList(imgs, r)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, ra := range rendered {
		im, _ := r.GetImageManifest(ra.Key)
		var paths []string
		for p := range ra.FileMap {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Printf("%s\t%s\n", p, im.Name)
		}
	}
}

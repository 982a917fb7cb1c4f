// SPDX-License-Identifier: Apache-2.0

// gogzip: Go's compress/gzip as an independent writer and reader of gzip
// images (appc's actool, acbuild and docker2aci used it).
//
//	gogzip compress <in >out   one member, Go's default level
//	gogzip check <in           every member decoded, every tar entry read;
//	                           prints the number of entries
package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gogzip compress|check")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "compress":
		w := gzip.NewWriter(os.Stdout)
		if _, err = io.Copy(w, os.Stdin); err == nil {
			err = w.Close()
		}
	case "check":
		var r *gzip.Reader
		if r, err = gzip.NewReader(os.Stdin); err != nil {
			break
		}
		t := tar.NewReader(r)
		n := 0
		for {
			if _, err = t.Next(); err != nil {
				break
			}
			if _, err = io.Copy(io.Discard, t); err != nil {
				break
			}
			n++
		}
		if err == io.EOF {
			// The rest of the stream too: its trailer is checked at its end.
			if _, err = io.Copy(io.Discard, r); err == nil {
				fmt.Println(n)
			}
		}
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gogzip:", err)
		os.Exit(1)
	}
}

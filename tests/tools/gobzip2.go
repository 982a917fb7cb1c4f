// SPDX-License-Identifier: Apache-2.0

// gobzip2: Go's compress/bzip2 as an independent reader of bzip2 images.
//
//	gobzip2 check <in   every stream decoded, every tar entry read; prints
//	                    the number of entries
package main

import (
	"archive/tar"
	"compress/bzip2"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "check" {
		fmt.Fprintln(os.Stderr, "usage: gobzip2 check")
		os.Exit(2)
	}
	r := bzip2.NewReader(os.Stdin)
	t := tar.NewReader(r)
	n := 0
	var err error
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
		// What follows the tar's end must decode too.
		_, err = io.Copy(io.Discard, r)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobzip2:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

//go:build ignore

// bearer-proxy is scripts/check-pages.sh's way to sign a headless browser
// in: it forwards every request to a server, adding
// "Authorization: Bearer <token>" (the pages take a session as a bearer
// token as well as in their cookie), and prints the address it listens
// on. A browser started from the command line cannot set a header or a
// cookie itself.
//
//	go run scripts/bearer-proxy.go -to http://127.0.0.1:8080 -token TOKEN
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func main() {
	to := flag.String("to", "", "the server's `URL`")
	token := flag.String("token", os.Getenv("BEARER_TOKEN"), "the session `token` (or env BEARER_TOKEN)")
	flag.Parse()
	target, err := url.Parse(*to)
	if err != nil || target.Host == "" || *token == "" {
		log.Fatal("bearer-proxy: -to URL and -token are required")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Header.Set("Authorization", "Bearer "+*token)
	}}
	log.Fatal(http.Serve(ln, proxy))
}

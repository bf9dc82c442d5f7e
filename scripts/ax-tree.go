//go:build ignore

// ax-tree is scripts/check-pages.sh's look at a page as a screen reader and
// a keyboard reach it: it drives chromium over the DevTools protocol (on
// --remote-debugging-pipe, so with the standard library only), loads the
// page, opens its <details>, and prints one line per node of chromium's
// accessibility tree that a person using a screen reader would act on:
//
//	link	<accessible name>
//	table	<accessible name, from its caption>
//	img	<accessible name>
//	img-holding-link	<name>   (an image that hides a link: a fault)
//
// then presses Tab through the page and prints, in order, each element
// that takes the focus:
//
//	focus	<tag> <accessible name or text>
//
// With -screenshot it also saves the page, its tables open, as a PNG.
//
//	go run scripts/ax-tree.go -url http://127.0.0.1:8080/partner/reports
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

type message struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    any             `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

type browser struct {
	mu      sync.Mutex
	out     *os.File
	next    int64
	waiting map[int64]chan message
	events  chan message
}

func (b *browser) call(session, method string, params any, result any) {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan message, 1)
	b.waiting[id] = ch
	raw, _ := json.Marshal(message{ID: id, Method: method, Params: params, SessionID: session})
	_, err := b.out.Write(append(raw, 0))
	b.mu.Unlock()
	if err != nil {
		log.Fatalf("%s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			log.Fatalf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				log.Fatalf("%s: %v", method, err)
			}
		}
	case <-time.After(20 * time.Second):
		log.Fatalf("%s: no answer", method)
	}
}

func (b *browser) read(in *os.File) {
	r := bufio.NewReaderSize(in, 1<<20)
	for {
		raw, err := r.ReadBytes(0)
		if err != nil {
			close(b.events)
			return
		}
		var m message
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[m.ID]
			delete(b.waiting, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default:
		}
	}
}

func (b *browser) wait(method string) {
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m, ok := <-b.events:
			if !ok {
				log.Fatalf("browser gone while waiting for %s", method)
			}
			if m.Method == method {
				return
			}
		case <-timeout:
			log.Fatalf("no %s", method)
		}
	}
}

type axValue struct {
	Value any `json:"value"`
}

type axNode struct {
	NodeID   string   `json:"nodeId"`
	Ignored  bool     `json:"ignored"`
	Role     *axValue `json:"role"`
	Name     *axValue `json:"name"`
	ChildIDs []string `json:"childIds"`
}

func (n axNode) role() string {
	if n.Role == nil {
		return ""
	}
	s, _ := n.Role.Value.(string)
	return s
}

func (n axNode) name() string {
	if n.Name == nil {
		return ""
	}
	s, _ := n.Name.Value.(string)
	return strings.Join(strings.Fields(s), " ")
}

func main() {
	chromium := flag.String("chromium", "chromium", "the browser's `binary`")
	url := flag.String("url", "", "the page's `URL`")
	tabs := flag.Int("tabs", 60, "how many times to press Tab")
	shot := flag.String("screenshot", "", "a PNG `file` of the whole page with its tables open")
	flag.Parse()
	if *url == "" {
		log.Fatal("ax-tree: -url is required")
	}
	dir, err := os.MkdirTemp("", "ax-tree")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cmdIn, toBrowser, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	fromBrowser, cmdOut, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(*chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
		"--user-data-dir="+dir, "--window-size=1280,1800", "about:blank")
	cmd.ExtraFiles = []*os.File{cmdIn, cmdOut} // fd 3: commands in, fd 4: answers out
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	done := make(chan error, 1)
	defer func() {
		select { // closed by Browser.close at the end, or stopped
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	cmdIn.Close()
	cmdOut.Close()
	go func() { done <- cmd.Wait() }()
	b := &browser{out: toBrowser, waiting: map[int64]chan message{}, events: make(chan message, 256)}
	go b.read(fromBrowser)

	var target struct {
		TargetID string `json:"targetId"`
	}
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	s := attached.SessionID
	b.call(s, "Page.enable", nil, nil)
	b.call(s, "Accessibility.enable", nil, nil)
	b.call(s, "Page.navigate", map[string]any{"url": *url}, nil)
	b.wait("Page.loadEventFired")

	eval := func(expr string) string {
		var out struct {
			Result struct {
				Value any `json:"value"`
			} `json:"result"`
		}
		b.call(s, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &out)
		return fmt.Sprint(out.Result.Value)
	}
	// A person opens the tables' disclosures to read them.
	eval(`document.querySelectorAll("details").forEach(function (d) { d.open = true; }); document.querySelectorAll("details[open]").length`)
	time.Sleep(300 * time.Millisecond)
	if *shot != "" {
		var png struct {
			Data []byte `json:"data"`
		}
		b.call(s, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, &png)
		if err := os.WriteFile(*shot, png.Data, 0o644); err != nil {
			log.Fatal(err)
		}
	}

	var tree struct {
		Nodes []axNode `json:"nodes"`
	}
	b.call(s, "Accessibility.getFullAXTree", nil, &tree)
	byID := map[string]axNode{}
	for _, n := range tree.Nodes {
		byID[n.NodeID] = n
	}
	var holdsLink func(axNode) bool
	holdsLink = func(n axNode) bool {
		for _, id := range n.ChildIDs {
			c := byID[id]
			if c.role() == "link" || holdsLink(c) {
				return true
			}
		}
		return false
	}
	for _, n := range tree.Nodes {
		if n.Ignored {
			continue
		}
		switch n.role() {
		case "link", "table":
			fmt.Printf("%s\t%s\n", n.role(), n.name())
		case "image", "img":
			if holdsLink(n) {
				fmt.Printf("img-holding-link\t%s\n", n.name())
			} else {
				fmt.Printf("img\t%s\n", n.name())
			}
		}
	}

	// The keyboard: Tab through the page, noting what takes the focus.
	eval(`document.activeElement && document.activeElement.blur(); 1`)
	for range *tabs {
		for _, kind := range []string{"keyDown", "keyUp"} {
			b.call(s, "Input.dispatchKeyEvent", map[string]any{"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "nativeVirtualKeyCode": 9}, nil)
		}
		fmt.Printf("focus\t%s\n", eval(`(function (e) { if (!e || e === document.body) return "body"; return e.tagName.toLowerCase() + " " + (e.getAttribute("aria-label") || e.textContent.trim().replace(/\s+/g, " ").slice(0, 60)); })(document.activeElement)`))
	}
	b.call("", "Browser.close", nil, nil)
}

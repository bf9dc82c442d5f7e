package locale

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"golang.org/x/text/message/catalog"
)

// moduleRoot is where the module's sources are, from this package's
// directory.
const moduleRoot = ".."

// TestEveryMessageInEveryLanguage finds the message keys the module's code
// uses, by parsing it, and checks that the catalogue has each in English,
// Russian and Spanish, with the same arguments; and that the catalogue
// holds no key the code no longer uses. The keys are found in:
//
//   - calls of a function or method with a parameter "key string" before
//     "args ...any" (bookingkit.Errorf, bookingkit.Invalidf, Sprintf,
//     Translate, …) whose key is a string literal or a string constant;
//   - {{t "…"}} calls in the templates: the .html and .txt files and the
//     Go string literals that hold {{…}} (built-in mail templates);
//   - the sentinels of package bookingkit (errors.New and kindError
//     literals in its root directory), whose text an error answer shows
//     alone.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	used := usedKeys(t)
	if len(used) == 0 {
		t.Fatal("no message key found in the code")
	}
	for _, key := range slices.Sorted(mapsKeys(used)) {
		if _, ok := keys[key]; !ok {
			t.Errorf("%s: the message %q is not in the catalogue (locale/*.go)", used[key], key)
		}
	}
	for _, key := range Keys() {
		if _, ok := used[key]; !ok {
			t.Errorf("the catalogue's message %q is used nowhere: remove it", key)
		}
	}
	for _, part := range messages {
		for key, tr := range part {
			for lang, s := range map[string]string{"ru": tr.ru, "es": tr.es} {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%q has no %s text", key, lang)
					continue
				}
				if want, got := verbs(key, nil), verbs(s, wrapped(key)); !slices.Equal(want, got) {
					t.Errorf("%q in %s: arguments %v, want %v (the English's)", key, lang, got, want)
				}
			}
		}
	}
	for _, part := range []map[string][3]catalog.Message{counted, partnerCounted} {
		for key, m := range part {
			for i, msg := range m {
				if msg == nil {
					t.Errorf("%q has no text in language %d (English, Russian, Spanish)", key, i)
				}
			}
		}
	}
}

// verbPattern matches a fmt verb with an optional explicit argument index.
var verbPattern = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs lists the arguments a format prints, by position and verb, sorted:
// a translation may reorder them with %[n]v. The errors the English wraps
// (%w) are left out, and so are the positions skip (those errors, which a
// translation may print with %s or leave out: the answer's status says
// them already).
func verbs(format string, skip map[int]bool) []string {
	var out []string
	for _, a := range formatArgs(format) {
		if a.verb == "w" || skip[a.pos] {
			continue
		}
		verb := a.verb
		if verb == "v" {
			verb = "s"
		}
		out = append(out, strconv.Itoa(a.pos)+verb)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wrapped returns the positions of the errors format wraps (%w).
func wrapped(format string) map[int]bool {
	out := map[int]bool{}
	for _, a := range formatArgs(format) {
		if a.verb == "w" {
			out[a.pos] = true
		}
	}
	return out
}

// formatArg is a verb of a format and the position of its argument.
type formatArg struct {
	pos  int
	verb string
}

// formatArgs lists the verbs of format, %% aside.
func formatArgs(format string) []formatArg {
	var out []formatArg
	n := 0
	for _, m := range verbPattern.FindAllStringSubmatch(format, -1) {
		verb := m[0][len(m[0])-1:]
		if verb == "%" {
			continue
		}
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		} else {
			n++
		}
		out = append(out, formatArg{n, verb})
	}
	return out
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// usedKeys returns the keys the module's sources use, each with where it
// was first seen.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	add := func(key, where string) {
		if _, ok := used[key]; !ok {
			used[key] = where
		}
	}
	fset := token.NewFileSet()
	var files []*ast.File
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != moduleRoot && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch ext := filepath.Ext(path); {
		case ext == ".go" && !strings.HasSuffix(path, "_test.go"):
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files = append(files, f)
			if filepath.Dir(path) == moduleRoot {
				sentinelKeys(f, fset, add)
			}
		case ext == ".html" || ext == ".txt":
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(b), "{{") {
				if err := templateKeys(string(b), path, add); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	funcs, consts := keyFuncs(files), stringConsts(files)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				// A function is named by its package's name, which
				// bookingkit's imports keep; a method by its own.
				var names []string
				switch fun := n.Fun.(type) {
				case *ast.Ident:
					names = []string{f.Name.Name + "." + fun.Name}
				case *ast.SelectorExpr:
					names = []string{"." + fun.Sel.Name}
					if x, ok := fun.X.(*ast.Ident); ok {
						names = append(names, x.Name+"."+fun.Sel.Name)
					}
				}
				for _, name := range names {
					i, ok := funcs[name]
					if !ok || i >= len(n.Args) {
						continue
					}
					if key, ok := stringLit(n.Args[i]); ok {
						add(key, fset.Position(n.Pos()).String())
					} else if key, ok := consts[constName(f, n.Args[i])]; ok {
						add(key, fset.Position(n.Pos()).String())
					}
				}
			case *ast.BasicLit:
				if s, ok := stringLit(n); ok && strings.Contains(s, "{{") {
					// Not every literal with {{ is a template; those that
					// do not parse hold no {{t}} call either.
					templateKeys(s, fset.Position(n.Pos()).String(), add) //nolint:errcheck
				}
			}
			return true
		})
	}
	return used
}

// keyFuncs returns the functions and methods of files that take a message
// key (a parameter "key string" followed by "args ...any"), with the
// key's position among their arguments: a function by "package.Name", a
// method by ".Name".
func keyFuncs(files []*ast.File) map[string]int {
	out := map[string]int{}
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			var names []string
			for _, field := range fn.Type.Params.List {
				typ := types(field.Type)
				if len(field.Names) == 0 {
					names = append(names, typ)
				}
				for _, n := range field.Names {
					names = append(names, n.Name+" "+typ)
				}
			}
			if i := slices.Index(names, "key string"); i >= 0 && i+1 < len(names) && names[i+1] == "args ...any" {
				if fn.Recv != nil {
					out["."+fn.Name.Name] = i
				} else {
					out[f.Name.Name+"."+fn.Name.Name] = i
				}
			}
		}
	}
	return out
}

// types writes a parameter's type as the source spells the few the key
// functions take.
func types(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.Ellipsis:
		return "..." + types(e.Elt)
	}
	return ""
}

// sentinelKeys adds the texts of package bookingkit's sentinels.
func sentinelKeys(f *ast.File, fset *token.FileSet, add func(key, where string)) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "New" && len(n.Args) == 1 {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "errors" {
					if s, ok := stringLit(n.Args[0]); ok {
						add(s, fset.Position(n.Pos()).String())
					}
				}
			}
		case *ast.CompositeLit:
			if id, ok := n.Type.(*ast.Ident); ok && id.Name == "kindError" && len(n.Elts) > 0 {
				if s, ok := stringLit(n.Elts[0]); ok {
					add(s, fset.Position(n.Pos()).String())
				}
			}
		}
		return true
	})
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// templateKeys adds the keys of the {{t "…"}} calls in a template's text.
func templateKeys(text, where string, add func(key, where string)) error {
	tree := parse.New(where)
	tree.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tree.Parse(text, "{{", "}}", trees); err != nil {
		return err
	}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						add(s.Text, where)
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, tr := range trees {
		walk(tr.Root)
	}
	return nil
}

// stringConsts returns the string constants of files, by "package.Name".
func stringConsts(files []*ast.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := stringLit(vs.Values[i]); ok {
							out[f.Name.Name+"."+name.Name] = s
						}
					}
				}
			}
		}
	}
	return out
}

// constName names the constant e refers to as "package.Name", or "".
func constName(f *ast.File, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return f.Name.Name + "." + e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

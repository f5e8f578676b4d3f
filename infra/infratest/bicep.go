// Package infratest checks the service's infrastructure code (infra/bicep), its delivery workflows
// and their docs with what is available here: no Bicep compiler, so a light parser — regular
// expressions over lines plus a scanner that masks strings and comments to match braces. It is
// not a Bicep implementation; it reads the subset of Bicep this repository writes (one property
// per line, decorators on their own lines) and fails loudly when it meets something it cannot
// read, rather than passing silently. The workflows run `az bicep build` and what-if for real.
package infratest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// File is one Bicep (or .bicepparam) source file.
type File struct {
	Path   string
	Text   string
	Masked string // same length as Text: string literals (with interpolations) and comments blanked
	Code   string // same length as Text: comments blanked, strings kept
}

// ReadFile reads and masks a Bicep file.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	masked, err := mask(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	code, err := maskWith(text, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{Path: path, Text: text, Masked: masked, Code: code}, nil
}

type frame struct {
	str    bool // inside a '...' string
	interp bool // a code frame opened by ${ inside a string
	depth  int  // open braces in this code frame
}

// mask blanks comments and string literals (including their ${...} interpolations, which may
// nest strings) keeping newlines, so brackets can be matched on the result. It reports
// unterminated strings and comments, and brackets that do not pair up.
func mask(text string) (string, error) { return maskWith(text, false) }

// maskWith blanks comments, and string literals too unless keepStrings.
func maskWith(text string, keepStrings bool) (string, error) {
	out := []byte(text)
	stack := []frame{{}}
	var brackets []byte
	line := 1
	blank := func(i int) {
		if out[i] != '\n' && !keepStrings {
			out[i] = ' '
		}
	}
	blankComment := func(i int) {
		if out[i] != '\n' {
			out[i] = ' '
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			line++
		}
		top := &stack[len(stack)-1]
		inString := len(stack) > 1
		if top.str {
			blank(i)
			switch {
			case c == '\\' && i+1 < len(text):
				i++
				blank(i)
			case c == '\'':
				stack = stack[:len(stack)-1]
			case c == '$' && i+1 < len(text) && text[i+1] == '{':
				i++
				blank(i)
				stack = append(stack, frame{interp: true})
			case c == '\n':
				return "", fmt.Errorf("line %d: string not closed on its line", line-1)
			}
			continue
		}
		// code
		switch {
		case strings.HasPrefix(text[i:], "'''"):
			end := strings.Index(text[i+3:], "'''")
			if end < 0 {
				return "", fmt.Errorf("line %d: multi-line string not closed", line)
			}
			for j := i; j < i+3+end+3; j++ {
				if text[j] == '\n' {
					line++
				}
				blank(j)
			}
			i += 3 + end + 2
		case strings.HasPrefix(text[i:], "//"):
			for i < len(text) && text[i] != '\n' {
				blankComment(i)
				i++
			}
			i--
		case strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return "", fmt.Errorf("line %d: comment not closed", line)
			}
			for j := i; j < i+2+end+2; j++ {
				if text[j] == '\n' {
					line++
				}
				blankComment(j)
			}
			i += 2 + end + 1
		case c == '\'':
			if inString {
				blank(i)
			}
			stack = append(stack, frame{str: true})
		case c == '}' && top.interp && top.depth == 0:
			blank(i)
			stack = stack[:len(stack)-1]
		default:
			if inString {
				blank(i)
				switch c {
				case '{':
					top.depth++
				case '}':
					top.depth--
				}
				continue
			}
			switch c {
			case '{', '[', '(':
				brackets = append(brackets, c)
			case '}', ']', ')':
				open := map[byte]byte{'}': '{', ']': '[', ')': '('}[c]
				if len(brackets) == 0 || brackets[len(brackets)-1] != open {
					return "", fmt.Errorf("line %d: unexpected %q", line, c)
				}
				brackets = brackets[:len(brackets)-1]
			}
		}
	}
	if len(stack) != 1 {
		return "", fmt.Errorf("unterminated string or interpolation at end of file")
	}
	if len(brackets) != 0 {
		return "", fmt.Errorf("unclosed %q at end of file", brackets[len(brackets)-1])
	}
	return string(out), nil
}

// Param is a `param` declaration with its decorators.
type Param struct {
	Name, Type string
	Default    string // raw default expression; "" when required
	HasDefault bool
	Secure     bool
	Described  bool     // has @description
	Allowed    []string // literal values of @allowed (strings unquoted)
	Min, Max   *int     // @minValue/@maxValue or @minLength/@maxLength
	MinLength  bool     // Min/Max are lengths
	Line       int
}

var (
	paramRe     = regexp.MustCompile(`^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$`)
	outputRe    = regexp.MustCompile(`^output\s+(\w+)\s+\w+\s*=`)
	moduleRe    = regexp.MustCompile(`^module\s+(\w+)\s+'([^']+)'\s*=`)
	resourceRe  = regexp.MustCompile(`^resource\s+(\w+)\s+'([^'@]+)@([^']+)'`)
	decoratorRe = regexp.MustCompile(`^@(\w+)\((.*)\)$`)
	literalRe   = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'|(-?\d+)`)
	keyRe       = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*|'[^']*')\s*:`)
)

// Params returns the file's parameters in order.
func (f *File) Params() ([]Param, error) {
	lines := strings.Split(f.Text, "\n")
	var out []Param
	var decos []string
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "@") {
			// a decorator may span lines (@allowed([ ... ])): join until parentheses balance
			d := l
			for strings.Count(d, "(") > strings.Count(d, ")") && i+1 < len(lines) {
				i++
				d += " " + strings.TrimSpace(lines[i])
			}
			decos = append(decos, d)
			continue
		}
		if m := paramRe.FindStringSubmatch(l); m != nil {
			p := Param{Name: m[1], Type: m[2], Default: strings.TrimSpace(m[3]), HasDefault: m[3] != "", Line: i + 1}
			for _, d := range decos {
				dm := decoratorRe.FindStringSubmatch(d)
				if dm == nil {
					return nil, fmt.Errorf("%s:%d: cannot read decorator %q", f.Path, i, d)
				}
				arg := strings.TrimSpace(dm[2])
				switch dm[1] {
				case "secure":
					p.Secure = true
				case "allowed":
					for _, lm := range literalRe.FindAllStringSubmatch(arg, -1) {
						if lm[2] != "" {
							p.Allowed = append(p.Allowed, lm[2])
						} else {
							p.Allowed = append(p.Allowed, lm[1])
						}
					}
					if len(p.Allowed) == 0 {
						return nil, fmt.Errorf("%s:%d: empty @allowed", f.Path, i)
					}
				case "minValue", "maxValue", "minLength", "maxLength":
					n, err := strconv.Atoi(arg)
					if err != nil {
						return nil, fmt.Errorf("%s:%d: @%s(%s): %w", f.Path, i, dm[1], arg, err)
					}
					if strings.HasPrefix(dm[1], "min") {
						p.Min = &n
					} else {
						p.Max = &n
					}
					p.MinLength = strings.HasSuffix(dm[1], "Length")
				case "description":
					p.Described = true
				case "metadata", "sys", "export":
				default:
					return nil, fmt.Errorf("%s:%d: unknown decorator @%s", f.Path, i, dm[1])
				}
			}
			out = append(out, p)
			decos = nil
		} else if l != "" && !strings.HasPrefix(l, "//") {
			decos = nil // decorators of a resource, module, var or output
		}
	}
	return out, nil
}

// Outputs returns the names of the file's outputs, each mapped to whether the line before it
// is a @description decorator.
func (f *File) Outputs() map[string]bool {
	out := map[string]bool{}
	lines := strings.Split(f.Text, "\n")
	for i, l := range lines {
		if m := outputRe.FindStringSubmatch(l); m != nil {
			out[m[1]] = i > 0 && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "@description(")
		}
	}
	return out
}

// Module is a `module` declaration.
type Module struct {
	Symbol, Path string
	Params       []string // keys of its params object
	Line         int
}

// Modules returns the file's module declarations with the keys of their params objects.
func (f *File) Modules() ([]Module, error) {
	var out []Module
	offset := 0
	for i, l := range strings.Split(f.Text, "\n") {
		start := offset
		offset += len(l) + 1
		m := moduleRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		open := strings.LastIndex(f.Masked[start:start+len(l)], "{")
		if open < 0 {
			return nil, fmt.Errorf("%s:%d: module body must open on its line", f.Path, i+1)
		}
		mod := Module{Symbol: m[1], Path: m[2], Line: i + 1}
		body, err := f.Object(start + open)
		if err != nil {
			return nil, err
		}
		if p, ok := body["params"]; ok {
			pOpen := strings.Index(f.Masked[p:], "{")
			if pOpen < 0 {
				return nil, fmt.Errorf("%s:%d: params is not an object", f.Path, i+1)
			}
			keys, err := f.Object(p + pOpen)
			if err != nil {
				return nil, err
			}
			for k := range keys {
				mod.Params = append(mod.Params, k)
			}
		}
		out = append(out, mod)
	}
	return out, nil
}

// Object returns the top-level keys of the object literal whose '{' is at offset open, each
// mapped to the offset just after its colon.
func (f *File) Object(open int) (map[string]int, error) {
	if open >= len(f.Masked) || f.Masked[open] != '{' {
		return nil, fmt.Errorf("%s: no object at offset %d", f.Path, open)
	}
	keys := map[string]int{}
	depth := 0
	lineStart := true
	for i := open; i < len(f.Masked); i++ {
		c := f.Masked[i]
		if lineStart && depth == 1 {
			if m := keyRe.FindStringSubmatchIndex(f.Text[i:]); m != nil && !strings.Contains(f.Text[i:i+m[1]], "\n") {
				k := strings.Trim(f.Text[i+m[2]:i+m[3]], "'")
				keys[k] = i + m[1]
			}
		}
		lineStart = c == '\n'
		switch c {
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth--
			if depth == 0 {
				return keys, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: object at offset %d not closed", f.Path, open)
}

// VarObject returns the keys of `var <name> = {` (an object literal variable).
func (f *File) VarObject(name string) (map[string]string, error) {
	re := regexp.MustCompile(`(?m)^var\s+` + regexp.QuoteMeta(name) + `\s*=\s*\{`)
	loc := re.FindStringIndex(f.Masked)
	if loc == nil {
		return nil, fmt.Errorf("%s: no object variable %q", f.Path, name)
	}
	keys, err := f.Object(loc[1] - 1)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, at := range keys {
		end := strings.IndexByte(f.Text[at:], '\n')
		out[k] = strings.TrimSpace(f.Text[at : at+end])
	}
	return out, nil
}

// VarArray returns the string items of `var <name> = [` (one quoted string per line).
func (f *File) VarArray(name string) ([]string, error) {
	re := regexp.MustCompile(`(?ms)^var\s+` + regexp.QuoteMeta(name) + `\s*=\s*\[(.*?)^\]`)
	m := re.FindStringSubmatch(f.Text)
	if m == nil {
		return nil, fmt.Errorf("%s: no array variable %q", f.Path, name)
	}
	var out []string
	for _, l := range strings.Split(m[1], "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		if !strings.HasPrefix(l, "'") || !strings.HasSuffix(l, "'") {
			return nil, fmt.Errorf("%s: %s: item %q is not a string literal", f.Path, name, l)
		}
		out = append(out, strings.Trim(l, "'"))
	}
	return out, nil
}

// Resource is a `resource` declaration's type and API version.
type Resource struct {
	Symbol, Type, APIVersion string
	Line                     int
}

// Resources returns the file's resource declarations.
func (f *File) Resources() []Resource {
	var out []Resource
	for i, l := range strings.Split(f.Text, "\n") {
		if m := resourceRe.FindStringSubmatch(l); m != nil {
			out = append(out, Resource{Symbol: m[1], Type: m[2], APIVersion: m[3], Line: i + 1})
		}
	}
	return out
}

// ParamFile is a .bicepparam file.
type ParamFile struct {
	Path   string
	Using  string            // resolved path of the template
	Values map[string]string // name -> raw expression
}

var (
	usingRe      = regexp.MustCompile(`(?m)^using\s+'([^']+)'\s*$`)
	paramValueRe = regexp.MustCompile(`(?m)^param\s+(\w+)\s*=\s*(.+?)\s*$`)
)

// ReadParamFile reads a .bicepparam file.
func ReadParamFile(path string) (*ParamFile, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := usingRe.FindStringSubmatch(f.Text)
	if m == nil {
		return nil, fmt.Errorf("%s: no using statement", path)
	}
	pf := &ParamFile{Path: path, Using: filepath.Join(filepath.Dir(path), m[1]), Values: map[string]string{}}
	for _, v := range paramValueRe.FindAllStringSubmatch(f.Text, -1) {
		if _, dup := pf.Values[v[1]]; dup {
			return nil, fmt.Errorf("%s: param %s set twice", path, v[1])
		}
		pf.Values[v[1]] = v[2]
	}
	return pf, nil
}

// Literal returns the value of a literal expression ('text', 42, true, false) without quotes.
func Literal(expr string) (string, bool) {
	switch {
	case len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' && !strings.Contains(expr[1:len(expr)-1], "'"):
		return expr[1 : len(expr)-1], true
	case expr == "true" || expr == "false":
		return expr, true
	}
	if _, err := strconv.Atoi(expr); err == nil {
		return expr, true
	}
	return "", false
}

package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// MS Graph's OData query options as Graph parses them: $filter expressions with eq/ne/gt/ge/
// lt/le, and/or/not, parentheses, startswith/endswith, in (…) and any/all lambdas over
// collections; literals are quoted strings ('' escapes a quote), true/false/null, numbers and
// GUIDs. $orderby and $search ("prop:term" joined by AND/OR) too.

// odataExpr is a parsed $filter expression evaluated against an object's body.
type odataExpr interface {
	eval(body map[string]any, lambdaVar string, item any) bool
}

type odataErr struct{ msg string }

func (e *odataErr) Error() string { return e.msg }

type tok struct {
	kind string // ident | string | lit | op | ( | ) | , | :
	val  string
}

func lexOData(s string) ([]tok, error) {
	var out []tok
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t':
			i++
		case ch == '(' || ch == ')' || ch == ',' || ch == ':':
			out = append(out, tok{kind: string(ch)})
			i++
		case ch == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, &odataErr{"Syntax error: unterminated string literal at position " + strconv.Itoa(i) + "."}
			}
			out = append(out, tok{kind: "string", val: b.String()})
			i = j + 1
		default:
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || strings.IndexByte("._/-@$", s[j]) >= 0) {
				j++
			}
			if j == i {
				return nil, &odataErr{fmt.Sprintf("Syntax error: character '%c' is not valid at position %d.", ch, i)}
			}
			w := s[i:j]
			switch strings.ToLower(w) {
			case "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in":
				out = append(out, tok{kind: "op", val: strings.ToLower(w)})
			case "true", "false", "null":
				out = append(out, tok{kind: "lit", val: strings.ToLower(w)})
			default:
				if w[0] >= '0' && w[0] <= '9' || w[0] == '-' {
					out = append(out, tok{kind: "lit", val: w})
				} else {
					out = append(out, tok{kind: "ident", val: w})
				}
			}
			i = j
		}
	}
	return out, nil
}

type odataParser struct {
	toks []tok
	pos  int
}

func (p *odataParser) peek() tok {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return tok{kind: "eof"}
}
func (p *odataParser) next() tok { t := p.peek(); p.pos++; return t }
func (p *odataParser) expect(kind string) error {
	if t := p.next(); t.kind != kind {
		return &odataErr{fmt.Sprintf("Syntax error: expected '%s' but found '%s'.", kind, t.val+t.kind)}
	}
	return nil
}

// parseFilterOData parses a Graph $filter.
func parseFilterOData(s string) (odataExpr, error) {
	toks, err := lexOData(s)
	if err != nil {
		return nil, err
	}
	p := &odataParser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, &odataErr{fmt.Sprintf("Syntax error at position %d in '%s'.", p.pos, s)}
	}
	return e, nil
}

type andExpr struct{ a, b odataExpr }
type orExpr struct{ a, b odataExpr }
type notExpr struct{ a odataExpr }
type cmpExpr struct {
	path, op string
	lit      any // string, bool, nil or float64
}
type inExpr struct {
	path string
	lits []any
}
type funcExpr struct{ fn, path, arg string }
type lambdaExpr struct {
	path, kind, v string // kind any|all
	body          odataExpr
}

func (e andExpr) eval(b map[string]any, lv string, it any) bool {
	return e.a.eval(b, lv, it) && e.b.eval(b, lv, it)
}
func (e orExpr) eval(b map[string]any, lv string, it any) bool {
	return e.a.eval(b, lv, it) || e.b.eval(b, lv, it)
}
func (e notExpr) eval(b map[string]any, lv string, it any) bool { return !e.a.eval(b, lv, it) }

func (p *odataParser) or() (odataExpr, error) {
	l, err := p.and()
	for err == nil && p.peek().kind == "op" && p.peek().val == "or" {
		p.next()
		var r odataExpr
		if r, err = p.and(); err == nil {
			l = orExpr{l, r}
		}
	}
	return l, err
}

func (p *odataParser) and() (odataExpr, error) {
	l, err := p.unary()
	for err == nil && p.peek().kind == "op" && p.peek().val == "and" {
		p.next()
		var r odataExpr
		if r, err = p.unary(); err == nil {
			l = andExpr{l, r}
		}
	}
	return l, err
}

func (p *odataParser) unary() (odataExpr, error) {
	t := p.peek()
	if t.kind == "op" && t.val == "not" {
		p.next()
		e, err := p.unary()
		return notExpr{e}, err
	}
	if t.kind == "(" {
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	}
	if t.kind != "ident" {
		return nil, &odataErr{fmt.Sprintf("Syntax error: expected a property or function, found '%s'.", t.val)}
	}
	p.next()
	name := t.val
	// functions: startswith(prop,'x'), endswith(prop,'x')
	if p.peek().kind == "(" && (strings.EqualFold(name, "startswith") || strings.EqualFold(name, "endswith") || strings.EqualFold(name, "contains")) {
		p.next()
		pt := p.next()
		if pt.kind != "ident" {
			return nil, &odataErr{"Syntax error: expected a property in " + name + "()."}
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		at := p.next()
		if at.kind != "string" {
			return nil, &odataErr{"Syntax error: expected a string literal in " + name + "()."}
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		if strings.EqualFold(name, "contains") {
			return nil, &odataErr{"Unsupported Query."}
		}
		return funcExpr{fn: strings.ToLower(name), path: pt.val, arg: at.val}, nil
	}
	// lambda: path/any(x:x eq 'v')
	if i := strings.LastIndexByte(name, '/'); i > 0 && p.peek().kind == "(" {
		kind := strings.ToLower(name[i+1:])
		if kind != "any" && kind != "all" {
			return nil, &odataErr{fmt.Sprintf("Syntax error: unknown function '%s'.", name[i+1:])}
		}
		p.next()
		vt := p.next()
		if vt.kind != "ident" {
			return nil, &odataErr{"Syntax error: expected a lambda variable."}
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		body, err := p.or()
		if err != nil {
			return nil, err
		}
		return lambdaExpr{path: name[:i], kind: kind, v: vt.val, body: body}, p.expect(")")
	}
	op := p.next()
	if op.kind != "op" {
		return nil, &odataErr{fmt.Sprintf("Syntax error: expected an operator after '%s'.", name)}
	}
	if op.val == "in" {
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var lits []any
		for {
			l, err := literal(p.next())
			if err != nil {
				return nil, err
			}
			lits = append(lits, l)
			if p.peek().kind == "," {
				p.next()
				continue
			}
			break
		}
		return inExpr{path: name, lits: lits}, p.expect(")")
	}
	switch op.val {
	case "eq", "ne", "gt", "ge", "lt", "le":
	default:
		return nil, &odataErr{fmt.Sprintf("Syntax error: '%s' is not a comparison operator.", op.val)}
	}
	l, err := literal(p.next())
	if err != nil {
		return nil, err
	}
	return cmpExpr{path: name, op: op.val, lit: l}, nil
}

func literal(t tok) (any, error) {
	switch t.kind {
	case "string":
		return t.val, nil
	case "lit":
		switch t.val {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		if f, err := strconv.ParseFloat(t.val, 64); err == nil {
			return f, nil
		}
		return t.val, nil // a GUID or a date
	}
	return nil, &odataErr{fmt.Sprintf("Syntax error: expected a literal, found '%s'.", t.val+t.kind)}
}

// value resolves a property path (a/b) on the body, or the lambda variable.
func odataValue(b map[string]any, path, lv string, item any) any {
	if lv != "" && (path == lv || strings.HasPrefix(path, lv+"/")) {
		if path == lv {
			return item
		}
		m, _ := item.(map[string]any)
		return lookupPath(m, strings.ReplaceAll(strings.TrimPrefix(path, lv+"/"), "/", "."))
	}
	return lookupPath(b, strings.ReplaceAll(path, "/", "."))
}

func compareAny(v, lit any) (int, bool) {
	switch l := lit.(type) {
	case nil:
		if v == nil {
			return 0, true
		}
		return 1, true
	case bool:
		b, ok := v.(bool)
		if !ok {
			return 1, v != nil && fmt.Sprint(v) == fmt.Sprint(l)
		}
		if b == l {
			return 0, true
		}
		return 1, true
	case float64:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int:
			f = float64(x)
		default:
			return 0, false
		}
		switch {
		case f < l:
			return -1, true
		case f > l:
			return 1, true
		}
		return 0, true
	default:
		if v == nil {
			return -1, false
		}
		// Graph compares strings case-insensitively.
		return strings.Compare(strings.ToLower(fmt.Sprint(v)), strings.ToLower(fmt.Sprint(l))), true
	}
}

func (e cmpExpr) eval(b map[string]any, lv string, it any) bool {
	c, ok := compareAny(odataValue(b, e.path, lv, it), e.lit)
	switch e.op {
	case "eq":
		return ok && c == 0
	case "ne":
		return !ok || c != 0
	case "gt":
		return ok && c > 0
	case "ge":
		return ok && c >= 0
	case "lt":
		return ok && c < 0
	case "le":
		return ok && c <= 0
	}
	return false
}

func (e inExpr) eval(b map[string]any, lv string, it any) bool {
	v := odataValue(b, e.path, lv, it)
	for _, l := range e.lits {
		if c, ok := compareAny(v, l); ok && c == 0 {
			return true
		}
	}
	return false
}

func (e funcExpr) eval(b map[string]any, lv string, it any) bool {
	v := odataValue(b, e.path, lv, it)
	if v == nil {
		return false
	}
	s, a := strings.ToLower(fmt.Sprint(v)), strings.ToLower(e.arg)
	if e.fn == "startswith" {
		return strings.HasPrefix(s, a)
	}
	return strings.HasSuffix(s, a)
}

func (e lambdaExpr) eval(b map[string]any, lv string, it any) bool {
	arr, _ := odataValue(b, e.path, lv, it).([]any)
	if e.kind == "all" {
		for _, x := range arr {
			if !e.body.eval(b, e.v, x) {
				return false
			}
		}
		return true
	}
	for _, x := range arr {
		if e.body.eval(b, e.v, x) {
			return true
		}
	}
	return false
}

// odataOrder is one $orderby key.
type odataOrder struct {
	path string
	desc bool
}

func parseOrderBy(s string) ([]odataOrder, error) {
	var out []odataOrder
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || len(f) > 2 || !isPath(strings.ReplaceAll(f[0], "/", ".")) {
			return nil, &odataErr{fmt.Sprintf("Syntax error: invalid $orderby clause '%s'.", part)}
		}
		o := odataOrder{path: f[0]}
		if len(f) == 2 {
			switch strings.ToLower(f[1]) {
			case "asc":
			case "desc":
				o.desc = true
			default:
				return nil, &odataErr{fmt.Sprintf("Syntax error: expected asc or desc, found '%s'.", f[1])}
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func sortObjects(objs []*dirObject, keys []odataOrder) {
	sort.SliceStable(objs, func(i, j int) bool {
		for _, k := range keys {
			a, b := odataValue(objs[i].body, k.path, "", nil), odataValue(objs[j].body, k.path, "", nil)
			if a == nil && b == nil {
				continue
			}
			if a == nil || b == nil { // nulls sort first ascending
				return (a == nil) != k.desc
			}
			c, _ := compareAny(a, b)
			if c == 0 {
				continue
			}
			return (c < 0) != k.desc
		}
		return false
	})
}

// searchClause is "prop:term"; a $search is clauses joined by AND/OR (AND binds tighter).
type searchClause struct{ prop, term string }

func parseSearch(s string) ([][]searchClause, error) {
	s = strings.TrimSpace(s)
	var groups [][]searchClause
	for _, orPart := range splitWord(s, "OR") {
		var and []searchClause
		for _, c := range splitWord(orPart, "AND") {
			c = strings.Trim(strings.TrimSpace(c), `"`)
			prop, term, ok := strings.Cut(c, ":")
			if !ok || prop == "" {
				return nil, &odataErr{fmt.Sprintf("Syntax error: the $search clause '%s' must be \"property:term\".", c)}
			}
			and = append(and, searchClause{prop: strings.TrimSpace(prop), term: strings.ToLower(strings.TrimSpace(term))})
		}
		groups = append(groups, and)
	}
	return groups, nil
}

func splitWord(s, word string) []string {
	var out []string
	for {
		i := strings.Index(s, " "+word+" ")
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+len(word)+2:]
	}
}

// searchMatch: Graph's $search tokenizes values; a term matches a token prefix (or the whole value's).
func searchMatch(b map[string]any, groups [][]searchClause) bool {
	for _, and := range groups {
		all := true
		for _, c := range and {
			v := strings.ToLower(fmt.Sprint(odataValue(b, c.prop, "", nil)))
			if odataValue(b, c.prop, "", nil) == nil {
				v = ""
			}
			hit := strings.HasPrefix(v, c.term)
			for _, w := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if strings.HasPrefix(w, c.term) {
					hit = true
				}
			}
			if !hit {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

package terraform

import (
	"bytes"
	"unicode/utf8"
)

// fastFormat formats HCL written by this package exactly like hclwrite.Format (indentation by
// bracket depth, '=' aligned over runs of single-line attributes), in one pass with no
// per-token allocation: hclwrite.Format counts grapheme clusters through a fresh bufio.Scanner
// per token, which dominates the cost on big tenants. It relies on what the emitter writes
// (one attribute or bracket per line, canonical spacing, no heredocs or comments);
// TestFastFormatMatchesHclwrite checks it against hclwrite.Format on the example tenant.
func fastFormat(src []byte) []byte {
	lines := bytes.Split(src, []byte("\n"))
	type line struct {
		text   []byte // trimmed
		depth  int
		assign int // index of " = " in text for an aligned attribute, else -1
	}
	out := make([]line, len(lines))
	depth := 0
	for i, l := range lines {
		t := bytes.TrimSpace(l)
		if eq := equalIndex(t); eq > 0 && t[eq-1] == ' ' {
			// one space before '=' (hclwrite pre-aligns attributes as it writes them)
			lead := bytes.TrimRight(t[:eq], " ")
			t = append(append(append(make([]byte, 0, len(t)), lead...), ' '), t[eq:]...)
		}
		opens, closes, leadingCloses := bracketCounts(t)
		d := depth - leadingCloses
		if d < 0 {
			d = 0
		}
		out[i] = line{text: t, depth: d, assign: assignIndex(t)}
		depth += opens - closes
		if depth < 0 {
			depth = 0
		}
	}
	// align runs of consecutive attribute lines
	for i := 0; i < len(out); {
		if out[i].assign < 0 {
			i++
			continue
		}
		j := i
		maxCols := 0
		for j < len(out) && out[j].assign >= 0 {
			if c := utf8.RuneCount(bytes.TrimRight(out[j].text[:out[j].assign], " ")) + 2*out[j].depth; c > maxCols {
				maxCols = c
			}
			j++
		}
		for k := i; k < j; k++ {
			lead := bytes.TrimRight(out[k].text[:out[k].assign], " ")
			pad := maxCols - (utf8.RuneCount(lead) + 2*out[k].depth) + 1
			var b bytes.Buffer
			b.Grow(len(out[k].text) + pad)
			b.Write(lead)
			b.Write(bytes.Repeat([]byte(" "), pad))
			b.Write(bytes.TrimLeft(out[k].text[out[k].assign:], " "))
			out[k].text = b.Bytes()
		}
		i = j
	}
	var b bytes.Buffer
	b.Grow(len(src) + len(src)/4)
	for i, l := range out {
		if i > 0 {
			b.WriteByte('\n')
		}
		if len(l.text) > 0 {
			for d := 0; d < l.depth; d++ {
				b.WriteString("  ")
			}
			b.Write(l.text)
		}
	}
	return b.Bytes()
}

// bracketCounts counts opening and closing brackets outside string literals (template
// interpolations inside strings balance themselves) and the closers that start the line.
func bracketCounts(t []byte) (opens, closes, leadingCloses int) {
	inStr := false
	leading := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
			leading = false
		case '{', '[', '(':
			opens++
			leading = false
		case '}', ']', ')':
			closes++
			if leading {
				leadingCloses++
			}
		case ' ', ',':
		default:
			leading = false
		}
	}
	return opens, closes, leadingCloses
}

// equalIndex returns the index of the first '=' outside strings that is an assignment, or -1.
func equalIndex(t []byte) int {
	inStr := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '=':
			if i == 0 || (i+1 < len(t) && (t[i+1] == '=' || t[i+1] == '>')) || t[i-1] == '!' || t[i-1] == '<' || t[i-1] == '>' || t[i-1] == '=' {
				continue
			}
			return i
		}
	}
	return -1
}

// assignIndex returns the index of the '=' of an attribute whose value is complete on the line
// (net zero brackets after it), or -1.
func assignIndex(t []byte) int {
	i := equalIndex(t)
	if i < 0 {
		return -1
	}
	if o, c, _ := bracketCounts(t[i:]); o != c {
		return -1
	}
	return i
}

package profiles

import (
	"sort"
	"strings"
)

// suggest picks up to three names close to name: a small edit distance
// (relative to the length), or one name being a prefix of the other.
func suggest(name string, names []string) []string {
	type scored struct {
		name string
		dist int
	}
	lower := strings.ToLower(name)
	var found []scored
	for _, n := range names {
		ln := strings.ToLower(n)
		d := editDistance(lower, ln)
		limit := max(1, min(len(lower), len(ln))/3)
		isPrefix := lower != "" && (strings.HasPrefix(ln, lower) || strings.HasPrefix(lower, ln))
		if d <= limit || isPrefix {
			found = append(found, scored{n, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].name)
	}
	return out
}

// editDistance is the optimal-string-alignment distance between a and b, by
// runes: Levenshtein plus swapping two neighbours, the commonest typo ("prdo").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows: the one before the previous is needed for swaps.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

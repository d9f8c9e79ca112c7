// Package slices is the standard library's slices package for cells
// (see package generic): the same functions, written for the
// interpreter.
package slices

import (
	"cmp"
	"sort"
)

// isNaN reports whether x is a floating-point NaN (x != x only then).
func isNaN[E cmp.Ordered](x E) bool { return x != x }

// Equal reports whether s1 and s2 have the same length and equal
// elements, in order. NaNs are not equal.
func Equal[E comparable](s1, s2 []E) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

// EqualFunc is Equal with eq comparing elements.
func EqualFunc[E1, E2 any](s1 []E1, s2 []E2, eq func(E1, E2) bool) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if !eq(s1[i], s2[i]) {
			return false
		}
	}
	return true
}

// Compare compares s1 and s2 element by element with cmp.Compare: -1,
// 0 or +1; a shorter slice that is a prefix of the other is less.
func Compare[E cmp.Ordered](s1, s2 []E) int {
	for i := 0; i < len(s1) && i < len(s2); i++ {
		if c := cmp.Compare(s1[i], s2[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(s1), len(s2))
}

// CompareFunc is Compare with c comparing elements.
func CompareFunc[E1, E2 any](s1 []E1, s2 []E2, c func(E1, E2) int) int {
	for i := 0; i < len(s1) && i < len(s2); i++ {
		if r := c(s1[i], s2[i]); r != 0 {
			return r
		}
	}
	return cmp.Compare(len(s1), len(s2))
}

// Index returns the index of the first v in s, or -1.
func Index[E comparable](s []E, v E) int {
	for i := range s {
		if s[i] == v {
			return i
		}
	}
	return -1
}

// IndexFunc returns the index of the first element satisfying f, or -1.
func IndexFunc[E any](s []E, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}

// Contains reports whether v is in s.
func Contains[E comparable](s []E, v E) bool { return Index(s, v) >= 0 }

// ContainsFunc reports whether an element of s satisfies f.
func ContainsFunc[E any](s []E, f func(E) bool) bool { return IndexFunc(s, f) >= 0 }

// Insert inserts vs at index i of s and returns the result. It panics
// if i is out of range.
func Insert[E any](s []E, i int, vs ...E) []E {
	_ = s[i:] // bounds check
	out := make([]E, 0, len(s)+len(vs))
	out = append(out, s[:i]...)
	out = append(out, vs...)
	return append(out, s[i:]...)
}

// Delete removes s[i:j] and returns the result; the tail of s is
// zeroed. It panics if s[i:j] is not a valid slice of s.
func Delete[E any](s []E, i, j int) []E {
	_ = s[i:j:len(s)] // bounds check
	if i == j {
		return s
	}
	n := copy(s[i:], s[j:])
	var zero E
	for k := i + n; k < len(s); k++ {
		s[k] = zero
	}
	return s[:i+n]
}

// DeleteFunc removes the elements satisfying del and returns the
// result; the tail of s is zeroed.
func DeleteFunc[E any](s []E, del func(E) bool) []E {
	n := 0
	for _, v := range s {
		if !del(v) {
			s[n] = v
			n++
		}
	}
	var zero E
	for k := n; k < len(s); k++ {
		s[k] = zero
	}
	return s[:n]
}

// Replace replaces s[i:j] by vs and returns the result. It panics if
// s[i:j] is not a valid slice of s.
func Replace[E any](s []E, i, j int, vs ...E) []E {
	_ = s[i:j] // bounds check
	out := make([]E, 0, len(s)-(j-i)+len(vs))
	out = append(out, s[:i]...)
	out = append(out, vs...)
	return append(out, s[j:]...)
}

// Clone returns a copy of s (nil for nil).
func Clone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}

// Compact replaces runs of equal elements by one and returns the
// result; the tail of s is zeroed.
func Compact[E comparable](s []E) []E {
	return CompactFunc(s, func(a, b E) bool { return a == b })
}

// CompactFunc is Compact with eq comparing neighbours.
func CompactFunc[E any](s []E, eq func(E, E) bool) []E {
	if len(s) < 2 {
		return s
	}
	n := 1
	for k := 1; k < len(s); k++ {
		if !eq(s[k], s[n-1]) {
			s[n] = s[k]
			n++
		}
	}
	var zero E
	for k := n; k < len(s); k++ {
		s[k] = zero
	}
	return s[:n]
}

// Grow returns s with room for n more elements. It panics if n < 0.
func Grow[E any](s []E, n int) []E {
	if n < 0 {
		panic("cannot be negative")
	}
	if n -= cap(s) - len(s); n > 0 {
		s = append(s[:cap(s)], make([]E, n)...)[:len(s)]
	}
	return s
}

// Clip removes the unused capacity of s.
func Clip[E any](s []E) []E { return s[:len(s):len(s)] }

// Reverse reverses s in place.
func Reverse[E any](s []E) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// Concat returns the concatenation of the slices.
func Concat[E any](ss ...[]E) []E {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	if n == 0 {
		return nil
	}
	out := make([]E, 0, n)
	for _, s := range ss {
		out = append(out, s...)
	}
	return out
}

// Repeat returns s repeated count times. It panics if count < 0.
func Repeat[E any](s []E, count int) []E {
	if count < 0 {
		panic("cannot be negative")
	}
	out := make([]E, 0, len(s)*count)
	for k := 0; k < count; k++ {
		out = append(out, s...)
	}
	return out
}

// Sort sorts s in increasing order; NaNs come first.
func Sort[E cmp.Ordered](s []E) {
	sort.Slice(s, func(i, j int) bool { return cmp.Less(s[i], s[j]) })
}

// SortFunc sorts s by c, which returns a negative number when a < b,
// a positive one when a > b and 0 otherwise. It is not stable.
func SortFunc[E any](s []E, c func(a, b E) int) {
	sort.Slice(s, func(i, j int) bool { return c(s[i], s[j]) < 0 })
}

// SortStableFunc is SortFunc keeping equal elements in their order.
func SortStableFunc[E any](s []E, c func(a, b E) int) {
	sort.SliceStable(s, func(i, j int) bool { return c(s[i], s[j]) < 0 })
}

// IsSorted reports whether s is in increasing order.
func IsSorted[E cmp.Ordered](s []E) bool {
	for i := len(s) - 1; i > 0; i-- {
		if cmp.Less(s[i], s[i-1]) {
			return false
		}
	}
	return true
}

// IsSortedFunc reports whether s is in increasing order by c.
func IsSortedFunc[E any](s []E, c func(a, b E) int) bool {
	for i := len(s) - 1; i > 0; i-- {
		if c(s[i], s[i-1]) < 0 {
			return false
		}
	}
	return true
}

// Min returns the least element of s; a NaN if s holds one. It panics
// if s is empty.
func Min[E cmp.Ordered](s []E) E {
	return extreme(s, "slices.Min", func(v, m E) bool { return isNaN(v) && !isNaN(m) || v < m })
}

// MinFunc returns the first least element of s by c. It panics if s is
// empty.
func MinFunc[E any](s []E, c func(a, b E) int) E {
	return extreme(s, "slices.MinFunc", func(v, m E) bool { return c(v, m) < 0 })
}

// Max returns the greatest element of s; a NaN if s holds one. It
// panics if s is empty.
func Max[E cmp.Ordered](s []E) E {
	return extreme(s, "slices.Max", func(v, m E) bool { return isNaN(v) && !isNaN(m) || v > m })
}

// MaxFunc returns the first greatest element of s by c. It panics if s
// is empty.
func MaxFunc[E any](s []E, c func(a, b E) int) E {
	return extreme(s, "slices.MaxFunc", func(v, m E) bool { return c(v, m) > 0 })
}

// extreme returns the first element of s that no later one beats; name
// is the caller's, for the panic on an empty s.
func extreme[E any](s []E, name string, beats func(v, m E) bool) E {
	if len(s) < 1 {
		panic(name + ": empty list")
	}
	m := s[0]
	for _, v := range s[1:] {
		if beats(v, m) {
			m = v
		}
	}
	return m
}

// BinarySearch searches the sorted s for target and returns where it is
// or would be inserted, and whether it is there.
func BinarySearch[E cmp.Ordered](s []E, target E) (int, bool) {
	i := sort.Search(len(s), func(k int) bool { return !cmp.Less(s[k], target) })
	return i, i < len(s) && cmp.Compare(s[i], target) == 0
}

// BinarySearchFunc is BinarySearch with c comparing an element with the
// target.
func BinarySearchFunc[E, T any](s []E, target T, c func(E, T) int) (int, bool) {
	i := sort.Search(len(s), func(k int) bool { return c(s[k], target) >= 0 })
	return i, i < len(s) && c(s[i], target) == 0
}

// All returns an iterator over the indexes and elements of s.
func All[E any](s []E) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

// Values returns an iterator over the elements of s.
func Values[E any](s []E) func(yield func(E) bool) {
	return func(yield func(E) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// Backward returns an iterator over the indexes and elements of s,
// last first.
func Backward[E any](s []E) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i := len(s) - 1; i >= 0; i-- {
			if !yield(i, s[i]) {
				return
			}
		}
	}
}

// AppendSeq appends the values of seq to s and returns the result.
func AppendSeq[E any](s []E, seq func(yield func(E) bool)) []E {
	seq(func(v E) bool {
		s = append(s, v)
		return true
	})
	return s
}

// Collect returns the values of seq in a new slice.
func Collect[E any](seq func(yield func(E) bool)) []E {
	return AppendSeq([]E(nil), seq)
}

// Sorted returns the values of seq, sorted.
func Sorted[E cmp.Ordered](seq func(yield func(E) bool)) []E {
	s := Collect(seq)
	Sort(s)
	return s
}

// SortedFunc returns the values of seq, sorted by c.
func SortedFunc[E any](seq func(yield func(E) bool), c func(E, E) int) []E {
	s := Collect(seq)
	SortFunc(s, c)
	return s
}

// SortedStableFunc returns the values of seq, sorted stably by c.
func SortedStableFunc[E any](seq func(yield func(E) bool), c func(E, E) int) []E {
	s := Collect(seq)
	SortStableFunc(s, c)
	return s
}

// Chunk returns an iterator over consecutive sub-slices of s of n
// elements (the last may be shorter). It panics if n < 1.
func Chunk[E any](s []E, n int) func(yield func([]E) bool) {
	if n < 1 {
		panic("cannot be less than 1")
	}
	return func(yield func([]E) bool) {
		for i := 0; i < len(s); i += n {
			end := i + n
			if end > len(s) {
				end = len(s)
			}
			if !yield(s[i:end:end]) {
				return
			}
		}
	}
}

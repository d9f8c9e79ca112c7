package maps_test

import (
	std "maps"
	"slices"
	"testing"

	"github.com/gradbook/gradbook/kernel/session/generic/maps"
)

func TestAgainstStandardLibrary(t *testing.T) {
	m := map[string]int{"a": 1, "b": 2, "c": 3}
	c := maps.Clone(m)
	if !std.Equal(c, m) || !maps.Equal(c, m) {
		t.Fatalf("Clone = %v", c)
	}
	c["d"] = 4
	if maps.Equal(c, m) || len(m) != 3 {
		t.Fatal("Clone shares the map, or Equal ignores a key")
	}
	if maps.Clone(map[int]int(nil)) != nil {
		t.Error("Clone(nil) is not nil")
	}
	if got, want := slices.Sorted(slices.Values(collectKeys(m))), slices.Sorted(std.Keys(m)); !slices.Equal(got, want) {
		t.Errorf("Keys: %v, want %v", got, want)
	}
	var vals []int
	maps.Values(m)(func(v int) bool { vals = append(vals, v); return true })
	if slices.Sort(vals); !slices.Equal(vals, []int{1, 2, 3}) {
		t.Errorf("Values: %v", vals)
	}
	maps.DeleteFunc(c, func(k string, v int) bool { return v%2 == 0 })
	if want := map[string]int{"a": 1, "c": 3}; !std.Equal(c, want) {
		t.Errorf("DeleteFunc = %v, want %v", c, want)
	}
	d := map[string]int{"z": 26}
	maps.Copy(d, m)
	if len(d) != 4 || d["b"] != 2 {
		t.Errorf("Copy = %v", d)
	}
	if got := maps.Collect(maps.All(m)); !std.Equal(got, m) {
		t.Errorf("Collect(All) = %v", got)
	}
	if !maps.EqualFunc(m, map[string]float64{"a": 1, "b": 2, "c": 3}, func(a int, b float64) bool { return float64(a) == b }) {
		t.Error("EqualFunc")
	}
}

func collectKeys(m map[string]int) []string {
	var ks []string
	maps.Keys(m)(func(k string) bool { ks = append(ks, k); return true })
	return ks
}

package autodiff

import (
	"fmt"
	"strconv"
	"strings"
)

// Tensor is an n-dimensional array of float64 stored in row-major order.
// A Tensor is immutable once built: operations return new tensors. When
// gradients are being recorded (see RequiresGrad), a Tensor also remembers
// its place on the tape that Backward walks.
type Tensor struct {
	shape []int
	data  []float64
	one   [1]float64 // inline storage for one-element tensors
	tape  *tape      // tape holding the node that made this tensor
	id    int32      // index of that node on the tape
	req   bool       // a leaf that requires grad
	keep  bool       // its tape records every node with its tensors (Trace)
	fwd   *fwdState  // forward-mode tangents, nil when none
	meta  *meta      // rarely used extras: gradient, name, Jacobian layout, kink notices
}

// meta holds the rarely used extras of a Tensor.
type meta struct {
	grad  *Tensor // accumulated gradient of a leaf
	name  string
	jac   *jacInfo
	kinks []KinkHit
	// nested names the transform (Grad, VJP) that made this tensor
	// from an input an outer reverse-mode transform was recording: its
	// dependence on that input is lost (see nestedCheck).
	nested string
}

// newTensor returns a tensor of the given shape with zeroed data. The shape
// slice is kept, not copied.
func newTensor(shape []int) *Tensor {
	n := sizeOf(shape)
	t := &Tensor{shape: shape, id: -1}
	if n == 1 {
		t.data = t.one[:]
	} else {
		t.data = make([]float64, n)
	}
	return t
}

// sizeOf returns the number of elements of a tensor with the given shape.
func sizeOf(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Scalar returns a rank-0 tensor (shape []) holding v. The lecture writes
// its shape as (1,).
func Scalar(v float64) *Tensor {
	t := &Tensor{id: -1}
	t.one[0] = v
	t.data = t.one[:]
	return t
}

// Vector returns a rank-1 tensor of shape [n] holding a copy of v. It is a
// column vector: the lecture writes its shape as (n,1).
func Vector(v ...float64) *Tensor {
	t := newTensor([]int{len(v)})
	copy(t.data, v)
	return t
}

// Matrix returns a rank-2 tensor of shape [m n] from m rows of equal length
// n. It panics if the rows have different lengths.
func Matrix(rows ...[]float64) *Tensor {
	m := len(rows)
	n := 0
	if m > 0 {
		n = len(rows[0])
	}
	t := newTensor([]int{m, n})
	for i, r := range rows {
		if len(r) != n {
			panic(fmt.Sprintf("autodiff: Matrix row %d has %d entries, row 0 has %d", i, len(r), n))
		}
		copy(t.data[i*n:], r)
	}
	return t
}

// New returns a tensor of any rank with the given shape and a copy of data
// in row-major order. It panics if len(data) is not the product of shape,
// or if a dimension is negative.
func New(shape []int, data []float64) *Tensor {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("autodiff: New: negative dimension in shape %v", shape))
		}
	}
	if sizeOf(shape) != len(data) {
		panic(fmt.Sprintf("autodiff: New: shape %v needs %d values, got %d", shape, sizeOf(shape), len(data)))
	}
	t := newTensor(append([]int(nil), shape...))
	copy(t.data, data)
	return t
}

// Zeros returns a tensor of the given shape filled with zeros.
func Zeros(shape ...int) *Tensor {
	return newTensor(append([]int(nil), shape...))
}

// Ones returns a tensor of the given shape filled with ones.
func Ones(shape ...int) *Tensor {
	t := newTensor(append([]int(nil), shape...))
	for i := range t.data {
		t.data[i] = 1
	}
	return t
}

// Eye returns the n×n identity matrix.
func Eye(n int) *Tensor {
	t := newTensor([]int{n, n})
	for i := 0; i < n; i++ {
		t.data[i*n+i] = 1
	}
	return t
}

// Arange returns the vector [start, start+step, …] of the values below stop,
// like NumPy's arange. It panics if step is not positive.
func Arange(start, stop, step float64) *Tensor {
	if !(step > 0) {
		panic("autodiff: Arange: step must be positive")
	}
	var v []float64
	for i := 0; ; i++ {
		x := start + float64(i)*step
		if x >= stop-step*1e-9 {
			break
		}
		v = append(v, x)
	}
	return Vector(v...)
}

// Shape returns a copy of the tensor's shape; [] for a scalar.
func (t *Tensor) Shape() []int { return append([]int{}, t.shape...) }

// Rank returns the number of dimensions: 0 for a scalar, 1 for a vector.
func (t *Tensor) Rank() int { return len(t.shape) }

// Size returns the number of elements.
func (t *Tensor) Size() int { return len(t.data) }

// Data returns a copy of the elements in row-major order.
func (t *Tensor) Data() []float64 { return append([]float64(nil), t.data...) }

// Item returns the value of a one-element tensor. It panics otherwise.
func (t *Tensor) Item() float64 {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("autodiff: Item needs a one-element tensor, got shape %s", FormatShape(t.shape)))
	}
	return t.data[0]
}

// At returns the element at the given indices, one per dimension. It panics
// if the number of indices is not the rank or an index is out of range.
func (t *Tensor) At(idx ...int) float64 {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("autodiff: At: %d indices for a rank-%d tensor", len(idx), len(t.shape)))
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("autodiff: At: index %d out of range [0,%d)", x, t.shape[i]))
		}
		off = off*t.shape[i] + x
	}
	return t.data[off]
}

// Named gives the tensor a name used by Trace, the chain-rule view and the
// renderings (for example "w" or "X"), and returns t.
func (t *Tensor) Named(name string) *Tensor {
	t.ensureMeta().name = name
	if t.tape != nil && !t.req {
		t.upgrade()
	}
	return t
}

// Name returns the name given by Named, or "".
func (t *Tensor) Name() string {
	if t.meta == nil {
		return ""
	}
	return t.meta.name
}

func (t *Tensor) ensureMeta() *meta {
	if t.meta == nil {
		t.meta = &meta{}
	}
	return t.meta
}

// Kinks returns the notices recorded when the computation that produced
// this result (a gradient, Jacobian, JVP or Hessian) evaluated Abs, ReLU or
// Max exactly at a kink, where the derivative is a set and one element of it
// was used. It returns nil when no kink was hit.
func (t *Tensor) Kinks() []KinkHit {
	if t.meta == nil {
		return nil
	}
	return t.meta.kinks
}

// clone returns a copy of t's shape and data with no grad, tape or tangent.
func (t *Tensor) clone() *Tensor {
	c := newTensor(append([]int(nil), t.shape...))
	copy(c.data, t.data)
	if t.meta != nil && t.meta.name != "" {
		c.Named(t.meta.name)
	}
	return c
}

// Detach returns a tensor with the same values that is not connected to any
// graph: gradients do not flow through it (stop gradient). The values are
// shared, which is safe because tensors are never modified in place.
func (t *Tensor) Detach() *Tensor {
	d := &Tensor{shape: t.shape, id: -1}
	if len(t.data) == 1 {
		d.one[0] = t.data[0]
		d.data = d.one[:]
	} else {
		d.data = t.data
	}
	return d
}

// FormatShape writes a shape the way the lecture does: a scalar is (1,), a
// vector of n elements is the column (n,1), a matrix is (m,n), and higher
// ranks list every dimension, (m,l,k,n).
func FormatShape(shape []int) string {
	switch len(shape) {
	case 0:
		return "(1,)"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",1)"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// sameShape reports whether a and b are equal shapes.
func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

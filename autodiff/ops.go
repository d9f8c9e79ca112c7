package autodiff

import (
	"fmt"
	"math"
)

// opcode names one primitive operation on the tape.
type opcode uint8

const (
	opLeaf opcode = iota
	opAdd
	opSub
	opMul
	opDiv
	opPow
	opMax
	opNeg
	opExp
	opLog
	opSin
	opCos
	opTanh
	opSigmoid
	opSqrt
	opAbs
	opReLU
	opSum
	opDot
	opMatMul
	opTranspose
	opReshape
	opNorm2Sq
	opCheckpoint
	opSlice
	opPad
)

var opNames = [...]string{
	opLeaf: "input", opAdd: "Add", opSub: "Sub", opMul: "Mul", opDiv: "Div", opPow: "Pow",
	opMax: "Max", opNeg: "Neg", opExp: "Exp", opLog: "Log", opSin: "Sin", opCos: "Cos",
	opTanh: "Tanh", opSigmoid: "Sigmoid", opSqrt: "Sqrt", opAbs: "Abs", opReLU: "ReLU",
	opSum: "Sum", opDot: "Dot", opMatMul: "MatMul", opTranspose: "Transpose",
	opReshape: "Reshape", opNorm2Sq: "Norm2Sq", opCheckpoint: "Checkpoint",
	opSlice: "Slice", opPad: "Pad",
}

func (o opcode) String() string { return opNames[o] }

// elementwise reports whether the op acts element by element (with scalar
// broadcasting), so that its derivative is given by localAt.
func (o opcode) elementwise() bool { return o >= opAdd && o <= opReLU }

// binary reports whether the op is an elementwise op of two operands.
func (o opcode) binary() bool { return o >= opAdd && o <= opMax }

// finish records out on the tape when an input is being differentiated in
// reverse mode and propagates forward-mode tangents when an input carries
// them. It returns out.
func finish(op opcode, out, a, b *Tensor) *Tensor {
	if a.tape != nil || a.req || (b != nil && (b.tape != nil || b.req)) {
		record(op, out, a, b)
	}
	if a.fwd != nil || (b != nil && b.fwd != nil) {
		tangent(op, out, a, b)
	}
	if (op == opAbs || op == opReLU || op == opMax) && (out.tape != nil || out.fwd != nil) {
		noteKinks(op, out, a, b)
	}
	return out
}

// broadcastShape returns the shape of an elementwise op on a and b: equal
// shapes, or one operand with a single element (a scalar) broadcast to the
// other. It panics otherwise.
func broadcastShape(op opcode, a, b *Tensor) []int {
	switch {
	case sameShape(a.shape, b.shape):
		return a.shape
	case len(a.data) == 1:
		return b.shape
	case len(b.data) == 1:
		return a.shape
	}
	as, bs := FormatShape(a.shape), FormatShape(b.shape)
	if as == bs {
		// A vector [n] and an n×1 matrix both print as (n,1).
		panic(fmt.Sprintf("autodiff: %v: shapes %s and %s do not match: one is a vector (Shape() %v), the other a matrix "+
			"(Shape() %v); Reshape one to the other's shape", op, as, bs, a.shape, b.shape))
	}
	panic(fmt.Sprintf("autodiff: %v: shapes %s and %s do not match (only one-element tensors broadcast)", op, as, bs))
}

// binary evaluates an elementwise op of two operands.
func binary(op opcode, a, b *Tensor) *Tensor {
	out := newOut(broadcastShape(op, a, b), a, b)
	ad, bd, od := a.data, b.data, out.data
	if len(od) == 1 {
		od[0] = apply2(op, ad[0], bd[0])
		return finish(op, out, a, b)
	}
	sa, sb := len(ad) != 1, len(bd) != 1
	for i := range od {
		x, y := ad[0], bd[0]
		if sa {
			x = ad[i]
		}
		if sb {
			y = bd[i]
		}
		od[i] = apply2(op, x, y)
	}
	return finish(op, out, a, b)
}

// apply2 is the value of a binary elementwise op.
func apply2(op opcode, x, y float64) float64 {
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opPow:
		return pow(x, y)
	case opMax:
		return math.Max(x, y)
	}
	panic("autodiff: internal: apply2 " + op.String())
}

// pow is x^y with the small integer exponents of the lecture computed
// exactly.
func pow(x, y float64) float64 {
	switch y {
	case 1:
		return x
	case 2:
		return x * x
	case 3:
		return x * x * x
	case -1:
		return 1 / x
	case 0.5:
		return math.Sqrt(x)
	}
	return math.Pow(x, y)
}

// unary evaluates an elementwise op of one operand.
func unary(op opcode, x *Tensor) *Tensor {
	out := newOut(x.shape, x, nil)
	xd, od := x.data, out.data
	switch op {
	case opNeg:
		for i, v := range xd {
			od[i] = -v
		}
	case opExp:
		for i, v := range xd {
			od[i] = math.Exp(v)
		}
	case opLog:
		for i, v := range xd {
			od[i] = math.Log(v)
		}
	case opSin:
		for i, v := range xd {
			od[i] = math.Sin(v)
		}
	case opCos:
		for i, v := range xd {
			od[i] = math.Cos(v)
		}
	case opTanh:
		for i, v := range xd {
			od[i] = math.Tanh(v)
		}
	case opSigmoid:
		for i, v := range xd {
			od[i] = sigmoid(v)
		}
	case opSqrt:
		for i, v := range xd {
			od[i] = math.Sqrt(v)
		}
	case opAbs:
		for i, v := range xd {
			od[i] = math.Abs(v)
		}
	case opReLU:
		for i, v := range xd {
			if v > 0 {
				od[i] = v
			}
		}
	default:
		panic("autodiff: internal: unary " + op.String())
	}
	return finish(op, out, x, nil)
}

func sigmoid(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

// localAt is the partial derivative of an elementwise op's output element
// with respect to argument arg (0 or 1), given the argument values x, y and
// the output value z. At a kink it returns the element of the
// subdifferential chosen by pol.
func localAt(op opcode, arg int, x, y, z float64, pol *Kink) float64 {
	switch op {
	case opAdd:
		return 1
	case opSub:
		if arg == 0 {
			return 1
		}
		return -1
	case opMul:
		if arg == 0 {
			return y
		}
		return x
	case opDiv:
		if arg == 0 {
			return 1 / y
		}
		return -x / (y * y)
	case opPow:
		if arg == 0 {
			switch y {
			case 0:
				return 0
			case 1:
				return 1
			case 2:
				return 2 * x
			}
			return y * pow(x, y-1)
		}
		if z == 0 {
			return 0
		}
		return z * math.Log(x)
	case opMax:
		switch {
		case x > y:
			return float64(1 - arg)
		case x < y:
			return float64(arg)
		}
		if arg == 0 {
			return pol.Max
		}
		return 1 - pol.Max
	case opNeg:
		return -1
	case opExp:
		return z
	case opLog:
		return 1 / x
	case opSin:
		return math.Cos(x)
	case opCos:
		return -math.Sin(x)
	case opTanh:
		return 1 - z*z
	case opSigmoid:
		return z * (1 - z)
	case opSqrt:
		return 0.5 / z
	case opAbs:
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return pol.Abs
	case opReLU:
		switch {
		case x > 0:
			return 1
		case x < 0:
			return 0
		}
		return pol.ReLU
	}
	panic("autodiff: internal: localAt " + op.String())
}

// Add returns a+b elementwise; a one-element operand is broadcast.
//
//	∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1
func Add(a, b *Tensor) *Tensor { return binary(opAdd, a, b) }

// Sub returns a−b elementwise; a one-element operand is broadcast.
//
//	∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1
func Sub(a, b *Tensor) *Tensor { return binary(opSub, a, b) }

// Mul returns the elementwise (Hadamard) product a⊙b; a one-element operand
// is broadcast, so Mul(Scalar(c), x) scales x.
//
//	∂(ab)/∂a = b, ∂(ab)/∂b = a
func Mul(a, b *Tensor) *Tensor { return binary(opMul, a, b) }

// Div returns a/b elementwise; a one-element operand is broadcast.
//
//	∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²
func Div(a, b *Tensor) *Tensor { return binary(opDiv, a, b) }

// Pow returns a^b elementwise; a one-element operand is broadcast.
//
//	∂(aᵇ)/∂a = b·aᵇ⁻¹, ∂(aᵇ)/∂b = aᵇ·log a
func Pow(a, b *Tensor) *Tensor { return binary(opPow, a, b) }

// Max returns the elementwise maximum of a and b; a one-element operand is
// broadcast. Where a > b the derivative goes to a, where a < b to b. At a tie
// the subdifferential is every split (t, 1−t) with t ∈ [0,1]; by default the
// derivative is split evenly, (½, ½), as PyTorch, JAX and autograd do.
func Max(a, b *Tensor) *Tensor { return binary(opMax, a, b) }

// Min returns the elementwise minimum of a and b, computed as −Max(−a, −b),
// so ties split the derivative evenly as in Max.
func Min(a, b *Tensor) *Tensor { return Neg(Max(Neg(a), Neg(b))) }

// Neg returns −x.
func Neg(x *Tensor) *Tensor { return unary(opNeg, x) }

// Exp returns eˣ elementwise. ∂eˣ/∂x = eˣ.
func Exp(x *Tensor) *Tensor { return unary(opExp, x) }

// Log returns the natural logarithm elementwise. ∂log x/∂x = 1/x.
func Log(x *Tensor) *Tensor { return unary(opLog, x) }

// Sin returns sin x elementwise. ∂sin x/∂x = cos x.
func Sin(x *Tensor) *Tensor { return unary(opSin, x) }

// Cos returns cos x elementwise. ∂cos x/∂x = −sin x.
func Cos(x *Tensor) *Tensor { return unary(opCos, x) }

// Tanh returns tanh x elementwise. ∂tanh x/∂x = 1 − tanh² x.
func Tanh(x *Tensor) *Tensor { return unary(opTanh, x) }

// Sigmoid returns σ(x) = 1/(1+e⁻ˣ) elementwise. ∂σ/∂x = σ(1−σ).
func Sigmoid(x *Tensor) *Tensor { return unary(opSigmoid, x) }

// Sqrt returns √x elementwise. ∂√x/∂x = 1/(2√x), +Inf at 0.
//
// In the chain rule a zero factor counts as an exact zero, so √(x²) at 0
// has derivative 0·∞ = 0 (an element of ∂|x| = [−1, 1]) in both modes,
// where PyTorch gives NaN.
func Sqrt(x *Tensor) *Tensor { return unary(opSqrt, x) }

// Abs returns |x| elementwise. Its derivative is sign x; at x = 0 the
// subdifferential is [−1, 1] and the default subgradient is 0 (as PyTorch);
// the Kink option picks another.
func Abs(x *Tensor) *Tensor { return unary(opAbs, x) }

// ReLU returns max(x, 0) elementwise. Its derivative is 1 for x > 0 and 0 for
// x < 0; at x = 0 the subdifferential is [0, 1] and the default subgradient
// is 0 (as PyTorch's relu); the Kink option picks another.
func ReLU(x *Tensor) *Tensor { return unary(opReLU, x) }

// Sum returns the sum of all elements as a scalar. ∂sum(x)/∂x = 1ᵀ.
func Sum(x *Tensor) *Tensor {
	out := newTensor(nil)
	s := 0.0
	for _, v := range x.data {
		s += v
	}
	out.data[0] = s
	return finish(opSum, out, x, nil)
}

// Norm2Sq returns the squared Euclidean (Frobenius) norm ‖x‖² = Σ xᵢ² as a
// scalar. ∂‖x‖²/∂x = 2xᵀ.
func Norm2Sq(x *Tensor) *Tensor {
	out := newTensor(nil)
	out.data[0] = dot(x.data, x.data)
	return finish(opNorm2Sq, out, x, nil)
}

// Dot returns the inner product ⟨a, b⟩ = Σ aᵢbᵢ as a scalar. a and b must
// have the same number of elements, or Dot panics.
//
//	∂⟨a,b⟩/∂a = bᵀ, ∂⟨a,b⟩/∂b = aᵀ
func Dot(a, b *Tensor) *Tensor {
	if len(a.data) != len(b.data) {
		panic(fmt.Sprintf("autodiff: Dot: shapes %s and %s have different sizes", FormatShape(a.shape), FormatShape(b.shape)))
	}
	out := newTensor(nil)
	out.data[0] = dot(a.data, b.data)
	return finish(opDot, out, a, b)
}

// mmDims returns the dimensions of A·B seen as an (m×p)·(p×q) product, where
// a vector on the left is a row (m = 1) and a vector on the right a column
// (q = 1), and the shape of the result. It panics on a mismatch.
func mmDims(a, b *Tensor) (m, p, q int, shape []int) {
	ra, rb := len(a.shape), len(b.shape)
	switch {
	case ra == 2 && rb == 2:
		m, p, q = a.shape[0], a.shape[1], b.shape[1]
		shape = []int{m, q}
		if b.shape[0] != p {
			break
		}
		return
	case ra == 2 && rb == 1:
		m, p, q = a.shape[0], a.shape[1], 1
		shape = []int{m}
		if b.shape[0] != p {
			break
		}
		return
	case ra == 1 && rb == 2:
		m, p, q = 1, a.shape[0], b.shape[1]
		shape = []int{q}
		if b.shape[0] != p {
			break
		}
		return
	case ra == 1 && rb == 1:
		panic(fmt.Sprintf("autodiff: MatMul of two vectors %s and %s: use Dot for ⟨a,b⟩", FormatShape(a.shape), FormatShape(b.shape)))
	default:
		panic(fmt.Sprintf("autodiff: MatMul needs matrices or vectors, got %s and %s", FormatShape(a.shape), FormatShape(b.shape)))
	}
	panic(fmt.Sprintf("autodiff: MatMul: inner dimensions differ: %s · %s", FormatShape(a.shape), FormatShape(b.shape)))
}

// MatMul returns the matrix product A·B: matrix·matrix (m,p)(p,q) → (m,q),
// matrix·vector (m,p)(p,1) → (m,1), and vector·matrix xᵀB, (p,1)ᵀ(p,q) →
// (q,1). Matrix·matrix products run on an assembly kernel (amd64 with AVX2
// or AVX-512), or on gonum's BLAS. It panics if the inner dimensions differ.
//
//	∂(AB)/∂A: Ā = Ḡ Bᵀ, ∂(AB)/∂B: B̄ = Aᵀ Ḡ (in adjoint form)
func MatMul(a, b *Tensor) *Tensor {
	m, p, q, shape := mmDims(a, b)
	out := newTensor(shape)
	gemm(false, false, m, q, p, 1, a.data, p, b.data, q, 0, out.data, q)
	return finish(opMatMul, out, a, b)
}

// Transpose returns xᵀ: a matrix (m,n) becomes (n,m); a vector (n,1) becomes
// the row (1,n), stored as shape [1 n]; a scalar is unchanged; higher ranks
// reverse all their axes.
func Transpose(x *Tensor) *Tensor {
	var out *Tensor
	switch len(x.shape) {
	case 0:
		out = newTensor(nil)
		out.data[0] = x.data[0]
	case 1:
		out = newTensor([]int{1, x.shape[0]})
		copy(out.data, x.data)
	default:
		shape := reversed(x.shape)
		out = newTensor(shape)
		permuteRev(out.data, x.data, x.shape)
	}
	return finish(opTranspose, out, x, nil)
}

// Reshape returns x with a new shape of the same size; one dimension may be
// −1 and is then inferred. It panics if the sizes differ.
func Reshape(x *Tensor, shape ...int) *Tensor {
	s := append([]int(nil), shape...)
	infer, known := -1, 1
	for i, d := range s {
		if d == -1 && infer < 0 {
			infer = i
			continue
		}
		known *= d
	}
	if infer >= 0 && known > 0 {
		s[infer] = len(x.data) / known
	}
	if sizeOf(s) != len(x.data) {
		panic(fmt.Sprintf("autodiff: Reshape: cannot reshape %s (%d elements) to %v", FormatShape(x.shape), len(x.data), shape))
	}
	out := newTensor(s)
	copy(out.data, x.data)
	return finish(opReshape, out, x, nil)
}

// reversed returns a new slice with the elements of s in reverse order.
func reversed(s []int) []int {
	r := make([]int, len(s))
	for i, d := range s {
		r[len(s)-1-i] = d
	}
	return r
}

// permuteRev writes into dst the tensor src of the given shape with all its
// axes reversed (the generalized transpose).
func permuteRev(dst, src []float64, shape []int) {
	if len(shape) == 2 {
		m, n := shape[0], shape[1]
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				dst[j*m+i] = src[i*n+j]
			}
		}
		return
	}
	r := len(shape)
	rs := reversed(shape)
	// strides of the destination, whose shape is rs.
	stride := make([]int, r)
	s := 1
	for i := r - 1; i >= 0; i-- {
		stride[i] = s
		s *= rs[i]
	}
	idx := make([]int, r)
	for k := range src {
		off := 0
		for i := 0; i < r; i++ {
			off += idx[i] * stride[r-1-i]
		}
		dst[off] = src[k]
		for i := r - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
}

// Add returns t+u; see the function Add.
func (t *Tensor) Add(u *Tensor) *Tensor { return Add(t, u) }

// Sub returns t−u; see the function Sub.
func (t *Tensor) Sub(u *Tensor) *Tensor { return Sub(t, u) }

// Mul returns t⊙u; see the function Mul.
func (t *Tensor) Mul(u *Tensor) *Tensor { return Mul(t, u) }

// Div returns t/u; see the function Div.
func (t *Tensor) Div(u *Tensor) *Tensor { return Div(t, u) }

// Pow returns t^u; see the function Pow.
func (t *Tensor) Pow(u *Tensor) *Tensor { return Pow(t, u) }

// Max returns the elementwise maximum of t and u; see the function Max.
func (t *Tensor) Max(u *Tensor) *Tensor { return Max(t, u) }

// Neg returns −t.
func (t *Tensor) Neg() *Tensor { return Neg(t) }

// Exp returns eᵗ elementwise.
func (t *Tensor) Exp() *Tensor { return Exp(t) }

// Log returns log t elementwise.
func (t *Tensor) Log() *Tensor { return Log(t) }

// Sin returns sin t elementwise.
func (t *Tensor) Sin() *Tensor { return Sin(t) }

// Cos returns cos t elementwise.
func (t *Tensor) Cos() *Tensor { return Cos(t) }

// Tanh returns tanh t elementwise.
func (t *Tensor) Tanh() *Tensor { return Tanh(t) }

// Sigmoid returns σ(t) elementwise.
func (t *Tensor) Sigmoid() *Tensor { return Sigmoid(t) }

// Sqrt returns √t elementwise.
func (t *Tensor) Sqrt() *Tensor { return Sqrt(t) }

// Abs returns |t| elementwise; see the function Abs for its kink.
func (t *Tensor) Abs() *Tensor { return Abs(t) }

// ReLU returns max(t, 0) elementwise; see the function ReLU for its kink.
func (t *Tensor) ReLU() *Tensor { return ReLU(t) }

// Sum returns the sum of t's elements.
func (t *Tensor) Sum() *Tensor { return Sum(t) }

// Dot returns ⟨t, u⟩.
func (t *Tensor) Dot(u *Tensor) *Tensor { return Dot(t, u) }

// MatMul returns t·u; see the function MatMul.
func (t *Tensor) MatMul(u *Tensor) *Tensor { return MatMul(t, u) }

// T returns tᵀ; see Transpose.
func (t *Tensor) T() *Tensor { return Transpose(t) }

// Reshape returns t with a new shape; see the function Reshape.
func (t *Tensor) Reshape(shape ...int) *Tensor { return Reshape(t, shape...) }

// Norm2Sq returns ‖t‖².
func (t *Tensor) Norm2Sq() *Tensor { return Norm2Sq(t) }

// Slice returns the sub-tensor x[from:to] along the first axis: elements of
// a vector, rows of a matrix. It panics if the range is out of bounds.
//
//	∂x[from:to]/∂x selects those entries; the adjoint is scattered back.
func Slice(x *Tensor, from, to int) *Tensor {
	if len(x.shape) == 0 || from < 0 || to > x.shape[0] || from > to {
		panic(fmt.Sprintf("autodiff: Slice [%d:%d] out of range for shape %s", from, to, FormatShape(x.shape)))
	}
	inner := len(x.data)
	if x.shape[0] > 0 {
		inner /= x.shape[0]
	}
	shape := append([]int{to - from}, x.shape[1:]...)
	out := newTensor(shape)
	copy(out.data, x.data[from*inner:to*inner])
	return finishAt(opSlice, out, x, from*inner)
}

// Index returns x[i] along the first axis with that axis removed: a scalar
// from a vector, a row vector (as a vector) from a matrix.
func Index(x *Tensor, i int) *Tensor {
	if len(x.shape) == 0 {
		panic("autodiff: Index of a scalar")
	}
	return Reshape(Slice(x, i, i+1), x.shape[1:]...)
}

// pad returns a tensor of the given shape that is zero except for g's
// values at flat offset lo: the adjoint of Slice, as an operation.
func pad(g *Tensor, shape []int, lo int) *Tensor {
	out := newTensor(shape)
	copy(out.data[lo:], g.data)
	return finishAt(opPad, out, g, lo)
}

// finishAt is finish for the ops that carry a flat offset.
func finishAt(op opcode, out, a *Tensor, lo int) *Tensor {
	if a.tape != nil || a.req {
		record(op, out, a, nil)
		if tp, id := out.resolve(); tp != nil && id >= 0 {
			tp.extOf(tp.at(id)).lo = lo
		}
	}
	if a.fwd != nil {
		k, n, sa := a.fwd.k, len(out.data), len(a.data)
		ot := make([]float64, k*n)
		for d := 0; d < k; d++ {
			if op == opSlice {
				copy(ot[d*n:d*n+n], a.fwd.tan[d*sa+lo:])
			} else {
				copy(ot[d*n+lo:], a.fwd.tan[d*sa:d*sa+sa])
			}
		}
		out.fwd = &fwdState{tan: ot, k: k, ctx: a.fwd.ctx}
	}
	return out
}

// Index returns t[i] along the first axis; see the function Index.
func (t *Tensor) Index(i int) *Tensor { return Index(t, i) }

// Slice returns t[from:to] along the first axis; see the function Slice.
func (t *Tensor) Slice(from, to int) *Tensor { return Slice(t, from, to) }

package autodiff

import (
	"fmt"
	"math"
)

// fwdState is the forward-mode part of a tensor: k tangent rows, one per
// direction, each with the tensor's size.
type fwdState struct {
	tan []float64
	k   int
	ctx *fwdCtx
}

// fwdCtx is shared by all tensors of one forward-mode evaluation.
type fwdCtx struct {
	pol         Kink
	directional bool // one-sided directional derivatives at kinks
	hits        []KinkHit
}

// tangent computes out's tangent rows from its operands' (forward mode:
// ẏ = J ẋ for each direction). Nothing is stored beyond out itself, so the
// memory of a forward-mode evaluation does not grow with its length.
func tangent(op opcode, out, a, b *Tensor) {
	st := a.fwd
	if st == nil {
		st = b.fwd
	}
	k, ctx := st.k, st.ctx
	var at, bt []float64
	if a.fwd != nil {
		at = a.fwd.tan
	}
	if b != nil && b.fwd != nil {
		if b.fwd.k != k {
			panic("autodiff: operands carry tangents of different forward-mode evaluations")
		}
		bt = b.fwd.tan
	}
	n := len(out.data)
	var ot []float64
	if k*n == 1 {
		ot = make([]float64, 1)
	} else {
		ot = make([]float64, k*n)
	}
	out.fwd = &fwdState{tan: ot, k: k, ctx: ctx}
	if op.elementwise() {
		ad := a.data
		var bd []float64
		if b != nil {
			bd = b.data
		}
		sa, sb := len(ad), len(bd)
		for d := 0; d < k; d++ {
			for j := 0; j < n; j++ {
				ja, jb := j, j
				if sa == 1 {
					ja = 0
				}
				if sb == 1 {
					jb = 0
				}
				x, y := ad[ja], 0.0
				if bd != nil {
					y = bd[jb]
				}
				va, vb := 0.0, 0.0
				if at != nil {
					va = at[d*sa+ja]
				}
				if bt != nil {
					vb = bt[d*sb+jb]
				}
				if ctx.directional {
					if v, ok := directionalKink(op, x, y, va, vb); ok {
						ot[d*n+j] = v
						continue
					}
				}
				v := 0.0
				if at != nil && va != 0 {
					v += chainMul(va, localAt(op, 0, x, y, out.data[j], &ctx.pol))
				}
				if bt != nil && vb != 0 {
					v += chainMul(vb, localAt(op, 1, x, y, out.data[j], &ctx.pol))
				}
				ot[d*n+j] = v
			}
		}
		return
	}
	switch op {
	case opSum:
		sa := len(a.data)
		for d := 0; d < k; d++ {
			s := 0.0
			for _, v := range at[d*sa : d*sa+sa] {
				s += v
			}
			ot[d] = s
		}
	case opNorm2Sq:
		sa := len(a.data)
		for d := 0; d < k; d++ {
			ot[d] = 2 * dot(a.data, at[d*sa:d*sa+sa])
		}
	case opDot:
		sa := len(a.data)
		for d := 0; d < k; d++ {
			s := 0.0
			if at != nil {
				s += dot(at[d*sa:d*sa+sa], b.data)
			}
			if bt != nil {
				s += dot(a.data, bt[d*sa:d*sa+sa])
			}
			ot[d] = s
		}
	case opReshape:
		copy(ot, at)
	case opTranspose:
		if len(a.shape) < 2 {
			copy(ot, at)
			break
		}
		for d := 0; d < k; d++ {
			permuteRev(ot[d*n:d*n+n], at[d*n:d*n+n], a.shape)
		}
	case opMatMul:
		m, p, q, _ := mmDims(a, b)
		if at != nil {
			// Ȧ B for every direction: the k·m×p stack of Ȧ times B.
			gemm(false, false, k*m, q, p, 1, at, p, b.data, q, 0, ot, q)
		}
		if bt != nil {
			if q == 1 {
				// rows Ḃ_d (k×p) times Aᵀ.
				gemm(false, true, k, m, p, 1, bt, p, a.data, p, 1, ot, m)
			} else {
				for d := 0; d < k; d++ {
					gemm(false, false, m, q, p, 1, a.data, p, bt[d*p*q:], q, 1, ot[d*m*q:], q)
				}
			}
		}
	default:
		panic("autodiff: internal: no forward rule for " + op.String())
	}
}

// directionalKink returns the one-sided directional derivative of a kink op
// at its kink along the operand directions va, vb, and whether x (and y) is
// at the kink.
func directionalKink(op opcode, x, y, va, vb float64) (float64, bool) {
	switch op {
	case opAbs:
		if x == 0 {
			return math.Abs(va), true
		}
	case opReLU:
		if x == 0 {
			return math.Max(va, 0), true
		}
	case opMax:
		if x == y {
			return math.Max(va, vb), true
		}
	}
	return 0, false
}

// seedForward returns a copy of x carrying k tangent rows.
func seedForward(x *Tensor, tan []float64, k int, pol Kink) (*Tensor, *fwdCtx) {
	xx := x.clone()
	ctx := &fwdCtx{pol: pol}
	xx.fwd = &fwdState{tan: tan, k: k, ctx: ctx}
	return xx, ctx
}

// JVP evaluates f at x in forward mode along the direction v and returns
// y = f(x) and the Jacobian–vector product J·v = d/dε f(x + εv) at ε = 0,
// with y's shape. v must have as many elements as x, or JVP panics.
//
// Forward mode carries each value's tangent alongside it and stores no
// graph: its extra memory is one tangent per live value, whatever the length
// of the computation. Options: Kink.
func JVP(f Func, x, v *Tensor, opts ...Option) (y, jv *Tensor) {
	if len(v.data) != len(x.data) {
		panic(fmt.Sprintf("autodiff: JVP: direction v has shape %s, x has shape %s", FormatShape(v.shape), FormatShape(x.shape)))
	}
	forwardNestCheck("JVP", x)
	cfg := newConfig(opts)
	xx, ctx := seedForward(x, append([]float64(nil), v.data...), 1, cfg.kink)
	out := f(xx)
	y = out.clone()
	jv = newTensor(y.shape)
	if out.fwd != nil {
		copy(jv.data, out.fwd.tan)
	}
	return y, withKinks(jv, ctx.hits, cfg.kink)
}

package autodiff

// Hessian returns the exact second derivative of the scalar function f at
// x, with shape shape(x) ++ shape(x) and H[i.., j..] = ∂²f/∂xᵢ∂xⱼ (an n×n
// matrix for a vector x; symmetric, so the layouts agree).
//
// It is computed forward-over-reverse: the forward pass carries one tangent
// per element of x, and the reverse pass is evaluated with the package's own
// operations, so the gradient it returns carries its tangents H·eᵢ. No
// finite differences are involved. It panics if f(x) has more than one
// element. Options: Kink (at a kink the second derivative is taken as 0).
func Hessian(f Func, x *Tensor, opts ...Option) *Tensor {
	forwardNestCheck("Hessian", x)
	cfg := newConfig(opts)
	n := len(x.data)
	tan := make([]float64, n*n)
	for i := 0; i < n; i++ {
		tan[i*n+i] = 1
	}
	xx, ctx := seedForward(x, tan, n, cfg.kink)
	g := gradForward("Hessian", f, xx, cfg)
	h := newTensor(append(x.Shape(), x.shape...))
	h.ensureMeta().jac = &jacInfo{layout: Numerator, mode: Forward, yShape: nil, xShape: x.Shape(), what: "Hessian"}
	if g.fwd != nil {
		copy(h.data, g.fwd.tan)
	}
	return withKinks(h, ctx.hits, cfg.kink)
}

// view returns a tensor sharing t's values and tangents but not its tape,
// so that operations on it are not recorded.
func view(t *Tensor) *Tensor {
	if t == nil {
		return nil
	}
	v := &Tensor{shape: t.shape, data: t.data, fwd: t.fwd, id: -1}
	return v
}

// gradOps runs the reverse sweep from node root with the adjoint seed, using
// tensor operations instead of raw loops, so that tangents carried by the
// recorded values flow through the derivative rules (forward-over-reverse).
// It returns the adjoint of every node (nil where none reached).
func (tp *tape) gradOps(root int32, seed *Tensor, pol *Kink) []*Tensor {
	grads := make([]*Tensor, root+1)
	grads[root] = seed
	acc := func(p int32, shape []int, g *Tensor) {
		if p < 0 || g == nil {
			return
		}
		if !sameShape(g.shape, shape) {
			if sizeOf(shape) == 1 && len(g.data) != 1 {
				g = Sum(g)
			}
			g = Reshape(g, shape...)
		}
		if grads[p] == nil {
			grads[p] = g
		} else {
			grads[p] = Add(grads[p], g)
		}
	}
	one, two, half := Scalar(1), Scalar(2), Scalar(0.5)
	for i := root; i >= 0; i-- {
		g := grads[i]
		nd := tp.at(i)
		if g == nil || nd.op == opLeaf {
			continue
		}
		na, nb, nout := tp.operands(nd)
		a, b, out := view(na), view(nb), view(nout)
		// Adjoints are computed only for operands on the tape: a constant
		// operand's adjoint (with its tangents) would be thrown away.
		needA, needB := nd.pa >= 0, nd.pb >= 0
		var ga, gb *Tensor
		switch nd.op {
		case opAdd:
			ga, gb = g, g
		case opSub:
			ga = g
			if needB {
				gb = Neg(g)
			}
		case opMul, opDot:
			if needA {
				ga = Mul(g, b)
			}
			if needB {
				gb = Mul(g, a)
			}
		case opDiv:
			if needA {
				ga = Div(g, b)
			}
			if needB {
				gb = Neg(Mul(g, Div(out, b)))
			}
		case opPow:
			if needA {
				ga = Mul(g, Mul(b, Pow(a, Sub(b, one))))
			}
			if needB {
				gb = Mul(g, Mul(out, Log(a)))
			}
		case opMax, opAbs, opReLU:
			// Piecewise linear: the local derivative is a constant mask.
			if needA {
				ga = Mul(g, kinkMask(nd.op, na, nb, nout, 0, pol))
			}
			if needB {
				gb = Mul(g, kinkMask(nd.op, na, nb, nout, 1, pol))
			}
		case opNeg:
			ga = Neg(g)
		case opExp:
			ga = Mul(g, out)
		case opLog:
			ga = Div(g, a)
		case opSin:
			ga = Mul(g, Cos(a))
		case opCos:
			ga = Neg(Mul(g, Sin(a)))
		case opTanh:
			ga = Mul(g, Sub(one, Mul(out, out)))
		case opSigmoid:
			ga = Mul(g, Mul(out, Sub(one, out)))
		case opSqrt:
			ga = Div(Mul(g, half), out)
		case opSum:
			ga = Mul(g, Ones(a.shape...))
		case opNorm2Sq:
			ga = Mul(g, Mul(two, a))
		case opReshape:
			ga = g
		case opTranspose:
			if len(a.shape) < 2 {
				ga = g
			} else {
				ga = Transpose(g)
			}
		case opSlice:
			ga = pad(g, a.shape, tp.extOf(nd).lo)
		case opPad:
			ga = Reshape(sliceFlat(g, tp.extOf(nd).lo, len(a.data)), a.shape...)
		case opMatMul:
			ga, gb = matmulAdjOps(a, b, g, needA, needB)
		case opCheckpoint:
			ga = checkpointOps(tp.extOf(nd).fn, a, g, pol)
		default:
			panic("autodiff: internal: no reverse rule for " + nd.op.String())
		}
		acc(nd.pa, na.shape, ga)
		if nd.pb >= 0 {
			acc(nd.pb, nb.shape, gb)
		}
	}
	return grads
}

// matmulAdjOps returns Ā = G Bᵀ (when needA) and B̄ = Aᵀ G (when needB)
// for C = A·B as tensor operations, for every combination of matrix and
// vector operands.
func matmulAdjOps(a, b, g *Tensor, needA, needB bool) (ga, gb *Tensor) {
	switch {
	case len(a.shape) == 2 && len(b.shape) == 2:
		if needA {
			ga = MatMul(g, Transpose(b))
		}
		if needB {
			gb = MatMul(Transpose(a), g)
		}
	case len(a.shape) == 2:
		// b is a column: Ā = g bᵀ (outer product), b̄ = Aᵀ g.
		m, p := a.shape[0], a.shape[1]
		if needA {
			ga = MatMul(Reshape(g, m, 1), Reshape(b, 1, p))
		}
		if needB {
			gb = MatMul(g, a)
		}
	default:
		// a is a row: ā = B g, B̄ = a gᵀ.
		p, q := b.shape[0], b.shape[1]
		if needA {
			ga = MatMul(b, g)
		}
		if needB {
			gb = MatMul(Reshape(a, p, 1), Reshape(g, 1, q))
		}
	}
	return ga, gb
}

// kinkMask returns the constant local derivative of a piecewise-linear node
// (Abs, ReLU, Max) with respect to argument arg, with the output's shape.
func kinkMask(op opcode, a, b, out *Tensor, arg int, pol *Kink) *Tensor {
	mask := newTensor(out.shape)
	ad := a.data
	var bd []float64
	if b != nil {
		bd = b.data
	}
	for j := range mask.data {
		x, y := ad[0], 0.0
		if len(ad) > 1 {
			x = ad[j]
		}
		if bd != nil {
			y = bd[0]
			if len(bd) > 1 {
				y = bd[j]
			}
		}
		mask.data[j] = localAt(op, arg, x, y, out.data[j], pol)
	}
	return mask
}

// sliceFlat returns n elements of g from flat offset lo, as a vector.
func sliceFlat(g *Tensor, lo, n int) *Tensor {
	return Slice(Reshape(g, len(g.data)), lo, lo+n)
}

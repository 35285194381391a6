//! The shape of the tree: a balanced split of the leaf range into nodes of up to K inputs.
//!
//! Node j covers leaves `lo..hi`, split into at most K contiguous parts whose sizes differ by
//! at most one (larger parts first). With K = 2 every N from 1 to 16 gets ceil(log2 N)
//! levels; with K = N it is one flat node. Nodes are numbered in pre-order; node 0 is the
//! root.

/// Where an input of a node comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Child {
    /// A leaf's ingress.
    Leaf(usize),
    /// Another node.
    Node(usize),
}

/// One node.
#[derive(Clone, Debug)]
pub struct ShapeNode {
    /// Its inputs, lowest leaves first.
    pub children: Vec<Child>,
    /// Child c covers leaves `bounds[c]..bounds[c + 1]`.
    pub bounds: Vec<usize>,
}

/// The whole tree.
#[derive(Clone, Debug)]
pub struct TreeShape {
    /// Number of leaves.
    pub leaves: usize,
    /// Nodes in pre-order.
    pub nodes: Vec<ShapeNode>,
    /// What feeds the root port: the root node, or leaf 0 when there is one leaf.
    pub root: Child,
}

impl TreeShape {
    /// The tree for `leaves` leaves (at least one) with nodes of up to `arity` (≥ 2) inputs.
    pub fn new(leaves: usize, arity: usize) -> Self {
        assert!(leaves >= 1, "a tree needs a leaf");
        assert!(arity >= 2, "a node needs two inputs");
        let mut nodes = Vec::new();
        let root = Self::build(&mut nodes, 0, leaves, arity);
        Self {
            leaves,
            nodes,
            root,
        }
    }

    fn build(nodes: &mut Vec<ShapeNode>, lo: usize, hi: usize, arity: usize) -> Child {
        let span = hi - lo;
        if span == 1 {
            return Child::Leaf(lo);
        }
        let parts = arity.min(span);
        let mut bounds = vec![lo];
        for p in 0..parts {
            let size = span / parts + usize::from(p < span % parts);
            bounds.push(bounds[p] + size);
        }
        let j = nodes.len();
        nodes.push(ShapeNode {
            children: Vec::new(),
            bounds: bounds.clone(),
        });
        let children = bounds
            .windows(2)
            .map(|w| Self::build(nodes, w[0], w[1], arity))
            .collect();
        nodes[j].children = children;
        Child::Node(j)
    }

    /// The node above `child` and which of its inputs `child` is, or `None` for the root.
    pub fn parent(&self, child: Child) -> Option<(usize, usize)> {
        self.nodes.iter().enumerate().find_map(|(j, n)| {
            n.children
                .iter()
                .position(|&c| c == child)
                .map(|side| (j, side))
        })
    }

    /// Number of node levels between a leaf and the root port.
    pub fn levels(&self) -> usize {
        (0..self.leaves)
            .map(|i| self.depth(Child::Leaf(i)))
            .max()
            .unwrap_or(0)
    }

    fn depth(&self, mut c: Child) -> usize {
        let mut d = 0;
        while let Some((j, _)) = self.parent(c) {
            d += 1;
            c = Child::Node(j);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ceil_log2_and_every_leaf_is_reachable() {
        for n in 1..=16 {
            let t = TreeShape::new(n, 2);
            assert_eq!(t.levels(), crate::host_port::route_bits(n), "leaves = {n}");
            assert_eq!(
                t.nodes.len(),
                n - 1,
                "a binary tree of {n} leaves has {} nodes",
                n - 1
            );
            check_placement(&t);
            let flat = TreeShape::new(n, n.max(2));
            assert_eq!(
                flat.nodes.len(),
                usize::from(n > 1),
                "flat mux of {n} leaves"
            );
            check_placement(&flat);
        }
    }

    fn check_placement(t: &TreeShape) {
        for i in 0..t.leaves {
            let mut c = Child::Leaf(i);
            while let Some((j, side)) = t.parent(c) {
                let b = &t.nodes[j].bounds;
                assert!(
                    (b[side]..b[side + 1]).contains(&i),
                    "leaf {i} misplaced under node {j}"
                );
                c = Child::Node(j);
            }
            assert_eq!(c, t.root);
        }
    }
}

//! The shape of the tree: a balanced binary split of the leaf range.
//!
//! Node j covers leaves `lo..hi`; its low child covers `lo..mid`, its high child `mid..hi`,
//! with `mid` rounding up, so every N from 1 to 16 gets ceil(log2 N) levels and no leaf is
//! deeper than that. Nodes are numbered in pre-order; node 0 is the root.

/// Where an input of a node comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Child {
    /// A leaf's ingress.
    Leaf(usize),
    /// Another node.
    Node(usize),
}

/// One two-input node.
#[derive(Clone, Debug)]
pub struct ShapeNode {
    /// First leaf below.
    pub lo: usize,
    /// First leaf of the high child.
    pub mid: usize,
    /// One past the last leaf below.
    pub hi: usize,
    /// Low and high child.
    pub children: [Child; 2],
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
    /// The tree for `leaves` leaves (at least one).
    pub fn new(leaves: usize) -> Self {
        assert!(leaves >= 1, "a tree needs a leaf");
        let mut nodes = Vec::new();
        let root = Self::build(&mut nodes, 0, leaves);
        Self { leaves, nodes, root }
    }

    fn build(nodes: &mut Vec<ShapeNode>, lo: usize, hi: usize) -> Child {
        if hi - lo == 1 {
            return Child::Leaf(lo);
        }
        let mid = lo + (hi - lo).div_ceil(2);
        let j = nodes.len();
        nodes.push(ShapeNode { lo, mid, hi, children: [Child::Leaf(lo); 2] });
        let low = Self::build(nodes, lo, mid);
        let high = Self::build(nodes, mid, hi);
        nodes[j].children = [low, high];
        Child::Node(j)
    }

    /// The node (and side: 0 low, 1 high) above `child`, or `None` for the root.
    pub fn parent(&self, child: Child) -> Option<(usize, usize)> {
        self.nodes.iter().enumerate().find_map(|(j, n)| {
            n.children.iter().position(|&c| c == child).map(|side| (j, side))
        })
    }

    /// Number of node levels between a leaf and the root port.
    pub fn levels(&self) -> usize {
        (0..self.leaves).map(|i| self.depth(Child::Leaf(i))).max().unwrap_or(0)
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
            let t = TreeShape::new(n);
            assert_eq!(t.levels(), crate::host_port::route_bits(n), "leaves = {n}");
            assert_eq!(t.nodes.len(), n - 1, "a binary tree of {n} leaves has {} nodes", n - 1);
            for i in 0..n {
                let mut c = Child::Leaf(i);
                while let Some((j, side)) = t.parent(c) {
                    let node = &t.nodes[j];
                    let (lo, hi) = if side == 0 { (node.lo, node.mid) } else { (node.mid, node.hi) };
                    assert!((lo..hi).contains(&i), "leaf {i} misplaced under node {j}");
                    c = Child::Node(j);
                }
                assert_eq!(c, t.root);
            }
        }
    }
}

//! What a layout produces: rectangles for plane bands, domains and nodes,
//! and routes for edges with their labels, in diagram pixels.

use faultline_core::PlaneId;

/// An axis-aligned rectangle in diagram pixels (y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Horizontal centre.
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    /// Vertical centre.
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    /// True when the two rectangles share interior area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
    /// True when `other` lies entirely inside this rectangle.
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }
}

/// A plane band.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneBox {
    /// Which plane.
    pub plane: PlaneId,
    /// Text of the rotated title (the seed's title, shortened if the band is low).
    pub title: String,
    /// The seed's colour for the plane.
    pub color: String,
    /// The whole band.
    pub rect: Rect,
    /// The coloured title strip at the band's left.
    pub title_strip: Rect,
}

/// A failure domain's box.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainBox {
    /// Index into `Topology::domains`.
    pub domain: usize,
    /// Which plane it sits in.
    pub plane: PlaneId,
    /// The box.
    pub rect: Rect,
    /// Title as drawn (the part before " - " when the full title does not fit).
    pub title: String,
}

/// A component's node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// Index into `Topology::components`.
    pub component: usize,
    /// Index into `Topology::domains`.
    pub domain: usize,
    /// The node's rectangle.
    pub rect: Rect,
    /// The name as drawn (shortened with an ellipsis if it cannot fit).
    pub name: String,
    /// One short fact under the name.
    pub fact: String,
}

/// A label placed on an edge: a box that must not cover any node.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelBox {
    /// The label's background box.
    pub rect: Rect,
    /// Lines of text, top to bottom.
    pub lines: Vec<String>,
}

/// A routed edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    /// Index into `Topology::dependencies` or `Topology::failovers`.
    pub edge: usize,
    /// Source component index.
    pub from: usize,
    /// Target component index.
    pub to: usize,
    /// SVG path data (`d` attribute), ending at the target's border.
    pub path: String,
    /// The label, for failover edges.
    pub label: Option<LabelBox>,
}

/// The complete picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
    /// Node width used for every component.
    pub node_w: f64,
    /// Plane bands, top to bottom (planes without domains are left out).
    pub planes: Vec<PlaneBox>,
    /// Domain boxes.
    pub domains: Vec<DomainBox>,
    /// One node per component, indexed like `Topology::components`.
    pub nodes: Vec<NodeBox>,
    /// Dependency edges, indexed like `Topology::dependencies`.
    pub dependencies: Vec<EdgeRoute>,
    /// Failover edges, indexed like `Topology::failovers`.
    pub failovers: Vec<EdgeRoute>,
}

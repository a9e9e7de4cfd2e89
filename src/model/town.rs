use serde::{Deserialize, Serialize};

/// A town or subdistrict (镇/街道): the default boundary inside which communities are formed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Town {
    /// Unique name of the town; villages refer to it by this name.
    pub name: String,
    /// Position of the town seat, in the instance's CRS, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<[f64; 2]>,
}

impl Town {
    /// A town with a name and no seat position.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), seat: None }
    }
}

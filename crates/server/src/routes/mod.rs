pub mod cases;
pub mod conversations;
pub mod enforcement;
pub mod health;
pub mod parties;
pub mod policy;
pub mod screen;
pub mod security;

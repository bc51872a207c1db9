pub mod health;
pub mod screen;

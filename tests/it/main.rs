mod dummy {}
mod standin;
mod standin_selftest;

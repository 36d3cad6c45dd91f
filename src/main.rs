//! Entry point of the browser build: everything lives in the library.

fn main() {
    faultline_app::start();
}

fn main() {
    std::process::exit(tokenctl::run());
}

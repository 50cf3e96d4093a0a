mod commands;

pub fn run() {
    commands::run();
}

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
        "call",
        "document",
        "print_document",
        "save_document",
        "pick_backup_file",
        "save_export",
        "sync_now",
        "network",
        "choose_single",
        "pair_desk",
        "host_switch",
        "follow_standby",
    ])))
    .expect("tauri build step");
}

/// `mailtls-synth --mta exim`: not written yet.
enum EximSynth {
    static func run(options: SynthOptions, fd: Int32) {
        MailtlsSynth.fail("--mta exim is not available yet")
    }
}

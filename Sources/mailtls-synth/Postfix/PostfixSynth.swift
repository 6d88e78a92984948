/// `mailtls-synth --mta postfix`: not written yet.
enum PostfixSynth {
    static func run(options: SynthOptions, fd: Int32) {
        MailtlsSynth.fail("--mta postfix is not available yet")
    }
}

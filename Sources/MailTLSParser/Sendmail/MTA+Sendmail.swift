extension MTA {
    /// sendmail (and its forks: Proofpoint, FortiMail's sendmail): the `mta` column's default, as every
    /// row written before schema v4 is sendmail's.
    public static let sendmail = MTA(code: 0, name: "sendmail")
}

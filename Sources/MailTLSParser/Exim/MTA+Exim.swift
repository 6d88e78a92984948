extension MTA {
    public static let exim = MTA(code: 2, name: "exim")
}

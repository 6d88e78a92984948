extension MTA {
    public static let postfix = MTA(code: 1, name: "postfix")
}

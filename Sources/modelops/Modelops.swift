// placeholder until the playground command lands
@main
struct Modelops {
    static func main() {}
}

package dev.hamal.bench;

/** Entry point of {@code hamal bench}. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.out.println("hamal bench");
  }
}

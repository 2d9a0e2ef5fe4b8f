package dev.hamal.app;

/** Entry point of the {@code hamal} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("hamal");
  }
}

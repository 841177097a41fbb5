/**
 * The shared behavioural cases (src/languages/conformance.ts) written in Java. Methods and constructors are named
 * with their parameter types (`Counter.add(int)`), as the plug-in names overloads; tests as `Class.method`.
 */
import type { ConformanceSuite } from '../conformance.js';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

export const conformance: ConformanceSuite = {
  // Java imports classes, not functions: a static import is how a function-like member is imported.
  'imported-function': {
    files: {
      'src/main/java/shop/MathLib.java': lines(
        'package shop;',
        '',
        'public final class MathLib {',
        '  public static int add(int a, int b) {',
        '    return a + b;',
        '  }',
        '}',
      ),
      'src/main/java/shop/report/Total.java': lines(
        'package shop.report;',
        '',
        'import static shop.MathLib.add;',
        '',
        'import shop.MathLib;',
        '',
        'public class Total {',
        '  int total() {',
        '    return add(1, 2);',
        '  }',
        '',
        '  int twice(int n) {',
        '    return MathLib.add(n, n);',
        '  }',
        '}',
      ),
    },
    edges: [
      { from: 'Total.total()', to: 'MathLib.add(int,int)', reason: 'import' },
      { from: 'Total.twice(int)', to: 'MathLib.add(int,int)', reason: 'import' },
    ],
  },

  'same-file-function': {
    files: {
      'Main.java': lines(
        'public class Main {',
        '  static int main() {',
        '    return helper();',
        '  }',
        '',
        '  static int helper() {',
        '    return 1;',
        '  }',
        '}',
      ),
    },
    // A static method called without a receiver is a member of the enclosing class, found like `this.helper()`.
    edges: [{ from: 'Main.main()', to: 'Main.helper()', reason: 'receiver-typed' }],
  },

  'method-through-self': {
    files: {
      'Counter.java': lines(
        'class Counter {',
        '  private int n;',
        '',
        '  void increment() {',
        '    this.add(1);',
        '  }',
        '',
        '  void add(int by) {',
        '    n += by;',
        '  }',
        '',
        '  void add(String by) {',
        '    n += by.length();',
        '  }',
        '}',
      ),
    },
    edges: [{ from: 'Counter.increment()', to: 'Counter.add(int)', reason: 'receiver-typed' }],
    absent: [{ from: 'Counter.increment()', to: 'Counter.add(String)' }],
  },

  'constructor-call': {
    files: {
      'src/main/java/shop/Cart.java': lines(
        'package shop;',
        '',
        'public class Cart {',
        '  private final int size;',
        '',
        '  public Cart() {',
        '    this(0);',
        '  }',
        '',
        '  public Cart(int size) {',
        '    this.size = size;',
        '  }',
        '}',
      ),
      'src/main/java/shop/Shop.java': lines(
        'package shop;',
        '',
        'public class Shop {',
        '  Cart openCart() {',
        '    return new Cart();',
        '  }',
        '}',
      ),
    },
    edges: [
      { from: 'Shop.openCart()', to: 'Cart.Cart()', reason: 'import' },
      { from: 'Cart.Cart()', to: 'Cart.Cart(int)', reason: 'receiver-typed' },
    ],
  },

  'inherited-method': {
    files: {
      'src/main/java/zoo/Base.java': lines(
        'package zoo;',
        '',
        'public class Base {',
        '  public Base(String name) {}',
        '',
        '  public String greet() {',
        '    return "hi";',
        '  }',
        '}',
      ),
      'src/main/java/zoo/kids/Child.java': lines(
        'package zoo.kids;',
        '',
        'import zoo.Base;',
        '',
        'public class Child extends Base {',
        '  public Child() {',
        '    super("child");',
        '  }',
        '',
        '  String run() {',
        '    return greet() + this.greet();',
        '  }',
        '}',
      ),
    },
    edges: [
      { from: 'Child.run()', to: 'Base.greet()', reason: 'receiver-typed' },
      { from: 'Child.Child()', to: 'Base.Base(String)', reason: 'receiver-typed' },
    ],
  },

  'field-of-declared-type': {
    files: {
      'src/main/java/car/Engine.java': lines(
        'package car;',
        '',
        'public class Engine {',
        '  public void start() {}',
        '}',
      ),
      'src/main/java/car/Car.java': lines(
        'package car;',
        '',
        'public class Car {',
        '  private final Engine engine;',
        '',
        '  Car(Engine engine) {',
        '    this.engine = engine;',
        '  }',
        '',
        '  void drive() {',
        '    engine.start();',
        '    this.engine.start();',
        '  }',
        '}',
      ),
    },
    edges: [{ from: 'Car.drive()', to: 'Engine.start()', reason: 'receiver-typed' }],
  },

  'typed-local': {
    files: {
      'src/main/java/app/Store.java': lines(
        'package app;',
        '',
        'public class Store {',
        '  public void save() {}',
        '',
        '  public static Store create() {',
        '    return new Store();',
        '  }',
        '}',
      ),
      'src/main/java/app/Job.java': lines(
        'package app;',
        '',
        'class Job {',
        '  void run() {',
        '    Store store = Store.create();',
        '    store.save();',
        '    var other = new Store();',
        '    other.save();',
        '  }',
        '}',
      ),
    },
    edges: [
      { from: 'Job.run()', to: 'Store.save()', reason: 'receiver-typed' },
      { from: 'Job.run()', to: 'Store.create()', reason: 'import' },
    ],
  },

  'typed-parameter': {
    files: {
      'src/main/java/app/Store.java': lines(
        'package app;',
        '',
        'public interface Store {',
        '  void save();',
        '}',
      ),
      'src/main/java/app/db/Persist.java': lines(
        'package app.db;',
        '',
        'import app.*;',
        '',
        'class Persist {',
        '  void persist(Store store) {',
        '    store.save();',
        '  }',
        '}',
      ),
    },
    edges: [{ from: 'Persist.persist(Store)', to: 'Store.save()', reason: 'interface' }],
  },

  'external-call': {
    files: {
      'src/main/java/app/Load.java': lines(
        'package app;',
        '',
        'import java.nio.file.Files;',
        'import java.nio.file.Path;',
        'import com.fasterxml.jackson.databind.ObjectMapper;',
        '',
        'class Load {',
        '  Object load(Path folder) throws Exception {',
        '    String text = Files.readString(folder);',
        '    return new ObjectMapper().readTree(text);',
        '  }',
        '}',
      ),
    },
    unresolved: [
      { from: 'Load.load(Path)', callee: 'Files.readString', reason: 'external:java.nio.file' },
      {
        from: 'Load.load(Path)',
        callee: 'new ObjectMapper',
        reason: 'external:com.fasterxml.jackson.databind',
      },
      {
        from: 'Load.load(Path)',
        callee: 'new ObjectMapper().readTree',
        reason: 'external:com.fasterxml.jackson.databind',
      },
    ],
  },

  'builtin-call': {
    files: {
      'Log.java': lines(
        'class Log {',
        '  int log(String value) {',
        '    System.out.println(value);',
        '    String upper = value.toUpperCase();',
        '    return Math.max(upper.length(), 1);',
        '  }',
        '}',
      ),
    },
    unresolved: [
      { from: 'Log.log(String)', callee: 'Math.max', reason: 'builtin' },
      { from: 'Log.log(String)', callee: 'value.toUpperCase', reason: 'builtin' },
      { from: 'Log.log(String)', callee: 'upper.length', reason: 'builtin' },
    ],
  },

  // JUnit's setup hooks: @BeforeEach (JUnit 5) and @Before (JUnit 4) run before every test of their class.
  'test-through-setup-hook': {
    files: {
      'src/main/java/stack/Stack.java': lines(
        'package stack;',
        '',
        'public class Stack {',
        '  private int size;',
        '',
        '  public void push(int item) {',
        '    size++;',
        '  }',
        '',
        '  public int size() {',
        '    return size;',
        '  }',
        '}',
      ),
      'src/test/java/stack/StackTest.java': lines(
        'package stack;',
        '',
        'import static org.junit.jupiter.api.Assertions.assertEquals;',
        '',
        'import org.junit.jupiter.api.BeforeEach;',
        'import org.junit.jupiter.api.Nested;',
        'import org.junit.jupiter.api.Test;',
        '',
        'class StackTest {',
        '  private Stack stack;',
        '',
        '  @BeforeEach',
        '  void setUp() {',
        '    stack = new Stack();',
        '    stack.push(1);',
        '  }',
        '',
        '  @Test',
        '  void countsWhatWasPushed() {',
        '    assertEquals(1, stack.size());',
        '  }',
        '',
        '  @Nested',
        '  class WhenEmptied {',
        '    @Test',
        '    void stillCounts() {',
        '      assertEquals(1, stack.size());',
        '    }',
        '  }',
        '}',
      ),
    },
    tested: [
      { test: 'StackTest.countsWhatWasPushed', reaches: 'Stack.push(int)' },
      { test: 'StackTest.countsWhatWasPushed', reaches: 'Stack.size()' },
      { test: 'StackTest.WhenEmptied.stillCounts', reaches: 'Stack.push(int)' },
    ],
  },

  // Java's callbacks are lambdas, method references and anonymous classes: their calls belong to the enclosing method.
  'nested-callback': {
    files: {
      'Batch.java': lines(
        'import java.util.List;',
        '',
        'class Batch {',
        '  void processAll(List<List<Integer>> groups) {',
        '    groups.forEach(group -> group.forEach(item -> record(item)));',
        '    groups.forEach(this::flush);',
        '    Runnable later = new Runnable() {',
        '      public void run() {',
        '        record(0);',
        '      }',
        '    };',
        '  }',
        '',
        '  void record(int item) {}',
        '',
        '  void flush(List<Integer> group) {}',
        '}',
      ),
    },
    edges: [
      { from: 'Batch.processAll(List)', to: 'Batch.record(int)', reason: 'receiver-typed' },
      { from: 'Batch.processAll(List)', to: 'Batch.flush(List)', reason: 'receiver-typed' },
    ],
  },

  'same-named-nested-definitions': {
    files: {
      'Pair.java': lines(
        'class Pair {',
        '  int first() {',
        '    class Helper {',
        '      int value() { return 1; }',
        '    }',
        '    return new Helper().value();',
        '  }',
        '',
        '  int second() {',
        '    class Helper {',
        '      int value() { return 2; }',
        '    }',
        '    return new Helper().value();',
        '  }',
        '}',
      ),
    },
    edges: [
      { from: 'Pair.first()', to: 'Pair.first().Helper', reason: 'same-file' },
      { from: 'Pair.second()', to: 'Pair.second().Helper', reason: 'same-file' },
    ],
    absent: [
      { from: 'Pair.first()', to: 'Pair.second().Helper' },
      { from: 'Pair.second()', to: 'Pair.first().Helper' },
    ],
  },
};

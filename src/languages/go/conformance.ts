/** The shared behavioural cases (src/languages/conformance.ts) written in Go. */
import type { ConformanceSuite } from '../conformance.js';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

const GO_MOD = lines('module example.com/shop', '', 'go 1.21', '', 'require github.com/pkg/errors v0.9.1');

export const conformance: ConformanceSuite = {
  'imported-function': {
    files: {
      'go.mod': GO_MOD,
      'mathx/add.go': lines('package mathx', '', 'func Add(a, b int) int {', '\treturn a + b', '}'),
      'total/total.go': lines(
        'package total',
        '',
        'import "example.com/shop/mathx"',
        '',
        'func Total() int {',
        '\treturn mathx.Add(1, 2)',
        '}',
      ),
      'total/twice.go': lines(
        'package total',
        '',
        'import m "example.com/shop/mathx"',
        '',
        'func Twice(n int) int {',
        '\treturn m.Add(n, n)',
        '}',
      ),
    },
    edges: [
      { from: 'Total', to: 'Add', reason: 'import' },
      { from: 'Twice', to: 'Add', reason: 'import' },
    ],
  },

  'same-file-function': {
    files: {
      'go.mod': GO_MOD,
      'main.go': lines(
        'package main',
        '',
        'func main() {',
        '\thelper()',
        '\tother()',
        '}',
        '',
        'func helper() int {',
        '\treturn 1',
        '}',
      ),
      // The package is the scope: a function of another file of the package is as near as one of this file.
      'other.go': lines('package main', '', 'func other() {}'),
    },
    edges: [
      { from: 'main', to: 'helper', reason: 'same-file' },
      { from: 'main', to: 'other', reason: 'same-file' },
    ],
  },

  'method-through-self': {
    files: {
      'go.mod': GO_MOD,
      'counter.go': lines(
        'package counter',
        '',
        'type Counter struct {',
        '\tn int',
        '}',
        '',
        'func (c *Counter) Increment() {',
        '\tc.Add(1)',
        '}',
      ),
      // The method may be declared in another file of the package than its type.
      'add.go': lines('package counter', '', 'func (c *Counter) Add(by int) {', '\tc.n += by', '}'),
    },
    edges: [{ from: 'Counter.Increment', to: 'Counter.Add', reason: 'receiver-typed' }],
  },

  'constructor-call': {
    // Go has no constructors: a type is built by a composite literal (no call) or by a `NewX` function.
    files: {
      'go.mod': GO_MOD,
      'server/server.go': lines(
        'package server',
        '',
        'type Server struct {',
        '\taddr string',
        '}',
        '',
        'func NewServer(addr string) *Server {',
        '\treturn &Server{addr: addr}',
        '}',
        '',
        'func (s *Server) Start() error {',
        '\treturn nil',
        '}',
      ),
      'cmd/main.go': lines(
        'package main',
        '',
        'import "example.com/shop/server"',
        '',
        'func main() {',
        '\ts := server.NewServer(":80")',
        '\ts.Start()',
        '}',
      ),
    },
    edges: [
      { from: 'main', to: 'NewServer', reason: 'import' },
      { from: 'main', to: 'Server.Start', reason: 'receiver-typed' },
    ],
  },

  'inherited-method': {
    // An embedded struct's methods are promoted to the embedding type.
    files: {
      'go.mod': GO_MOD,
      'base.go': lines('package app', '', 'type Base struct{}', '', 'func (b *Base) Log(msg string) {}'),
      'server.go': lines(
        'package app',
        '',
        'type Server struct {',
        '\t*Base',
        '\tname string',
        '}',
        '',
        'func (s *Server) Start() {',
        '\ts.Log("start")',
        '\ts.Base.Log("again")',
        '}',
      ),
    },
    edges: [{ from: 'Server.Start', to: 'Base.Log', reason: 'receiver-typed' }],
  },

  'field-of-declared-type': {
    files: {
      'go.mod': GO_MOD,
      'store/repo.go': lines(
        'package store',
        '',
        'type Repo struct{}',
        '',
        'func (r *Repo) Insert(v string) {}',
      ),
      'service/service.go': lines(
        'package service',
        '',
        'import "example.com/shop/store"',
        '',
        'type Service struct {',
        '\trepo *store.Repo',
        '}',
        '',
        'func (s *Service) Save(v string) {',
        '\ts.repo.Insert(v)',
        '}',
      ),
    },
    edges: [{ from: 'Service.Save', to: 'Repo.Insert', reason: 'receiver-typed' }],
  },

  'typed-local': {
    files: {
      'go.mod': GO_MOD,
      'repo.go': lines(
        'package app',
        '',
        'type Repo struct{}',
        '',
        'func (r Repo) Insert() {}',
        '',
        'func (r *Repo) Delete() {}',
        '',
        'func OpenRepo() (*Repo, error) {',
        '\treturn &Repo{}, nil',
        '}',
      ),
      'use.go': lines(
        'package app',
        '',
        'func Declared() {',
        '\tvar r Repo',
        '\tr.Insert()',
        '}',
        '',
        'func Literal() {',
        '\tr := &Repo{}',
        '\tr.Delete()',
        '}',
        '',
        'func FromResult() {',
        '\tr, err := OpenRepo()',
        '\tif err != nil {',
        '\t\treturn',
        '\t}',
        '\tr.Delete()',
        '}',
      ),
    },
    edges: [
      { from: 'Declared', to: 'Repo.Insert', reason: 'receiver-typed' },
      { from: 'Literal', to: 'Repo.Delete', reason: 'receiver-typed' },
      { from: 'FromResult', to: 'OpenRepo', reason: 'same-file' },
      { from: 'FromResult', to: 'Repo.Delete', reason: 'receiver-typed' },
    ],
  },

  'typed-parameter': {
    files: {
      'go.mod': GO_MOD,
      'repo.go': lines(
        'package app',
        '',
        'type Repo struct{}',
        '',
        'func (r *Repo) Insert() {}',
        '',
        'type Saver interface {',
        '\tSave() error',
        '}',
        '',
        'func Store(r *Repo, s Saver) {',
        '\tr.Insert()',
        '\ts.Save()',
        '}',
      ),
    },
    edges: [
      { from: 'Store', to: 'Repo.Insert', reason: 'receiver-typed' },
      // A call through an interface links to the interface's method.
      { from: 'Store', to: 'Saver.Save', reason: 'interface' },
    ],
  },

  'external-call': {
    files: {
      'go.mod': GO_MOD,
      'main.go': lines(
        'package main',
        '',
        'import (',
        '\t"fmt"',
        '\t"github.com/pkg/errors"',
        ')',
        '',
        'func main() {',
        '\tfmt.Println("hi")',
        '\t_ = errors.Wrap(nil, "x")',
        '}',
      ),
    },
    unresolved: [
      { from: 'main', callee: 'fmt.Println', reason: 'external:std' },
      { from: 'main', callee: 'errors.Wrap', reason: 'external:github.com/pkg/errors' },
    ],
  },

  'builtin-call': {
    files: {
      'go.mod': GO_MOD,
      'main.go': lines(
        'package main',
        '',
        'func main() {',
        '\txs := make([]int, 0)',
        '\txs = append(xs, 1)',
        '\tprintln(len(xs))',
        '}',
      ),
    },
    unresolved: [
      { from: 'main', callee: 'make', reason: 'builtin' },
      { from: 'main', callee: 'append', reason: 'builtin' },
      { from: 'main', callee: 'len', reason: 'builtin' },
    ],
  },

  'test-through-setup-hook': {
    // TestMain runs before every test of the package: a test reaches what TestMain calls.
    files: {
      'go.mod': GO_MOD,
      'db/db.go': lines('package db', '', 'func Connect() {}', '', 'func Query() int {', '\treturn 1', '}'),
      'db/db_test.go': lines(
        'package db',
        '',
        'import (',
        '\t"os"',
        '\t"testing"',
        ')',
        '',
        'func TestMain(m *testing.M) {',
        '\tConnect()',
        '\tos.Exit(m.Run())',
        '}',
        '',
        'func TestQuery(t *testing.T) {',
        '\tif Query() != 1 {',
        '\t\tt.Fatal("bad")',
        '\t}',
        '}',
      ),
    },
    tested: [
      { test: 'TestQuery', reaches: 'Query' },
      { test: 'TestQuery', reaches: 'Connect' },
    ],
  },

  'nested-callback': {
    files: {
      'go.mod': GO_MOD,
      'worker.go': lines(
        'package worker',
        '',
        'func each(xs []int, f func(int)) {',
        '\tfor _, x := range xs {',
        '\t\tf(x)',
        '\t}',
        '}',
        '',
        'func cleanup() {}',
        '',
        'func work(int) {}',
        '',
        'func Run(xs []int) {',
        '\teach(xs, func(x int) {',
        '\t\tgo func() {',
        '\t\t\tdefer cleanup()',
        '\t\t\twork(x)',
        '\t\t}()',
        '\t})',
        '}',
      ),
    },
    edges: [
      { from: 'Run', to: 'each', reason: 'same-file' },
      { from: 'Run', to: 'cleanup', reason: 'same-file' },
      { from: 'Run', to: 'work', reason: 'same-file' },
    ],
  },

  'same-named-nested-definitions': {
    // Go has no named nested functions; its same-named definitions are the methods of different types.
    files: {
      'go.mod': GO_MOD,
      'shapes.go': lines(
        'package shapes',
        '',
        'type Circle struct{}',
        '',
        'func (c Circle) Area() float64 { return 3 }',
        '',
        'type Square struct{}',
        '',
        'func (s Square) Area() float64 { return 4 }',
        '',
        'func CircleArea(c Circle) float64 { return c.Area() }',
        '',
        'func SquareArea(s Square) float64 { return s.Area() }',
      ),
    },
    edges: [
      { from: 'CircleArea', to: 'Circle.Area', reason: 'receiver-typed' },
      { from: 'SquareArea', to: 'Square.Area', reason: 'receiver-typed' },
    ],
    absent: [
      { from: 'CircleArea', to: 'Square.Area' },
      { from: 'SquareArea', to: 'Circle.Area' },
    ],
  },
};

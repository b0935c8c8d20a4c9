using LeastPriv.Core.Discovery.Capture;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery.Capture;

public sealed class EnvironmentScopeTests
{
    [Fact]
    public void Enter_SetsAndUnsets_DisposeRestoresExactly()
    {
        var env = new DictionaryEnvironment { ["A"] = "caller-a", ["B"] = "caller-b" };

        using (var scope = EnvironmentScope.Enter(Changes(("A", "new-a"), ("B", null), ("C", "new-c")), env))
        {
            Assert.Equal("new-a", env.Get("A"));
            Assert.Null(env.Get("B"));
            Assert.Equal("new-c", env.Get("C"));
            Assert.Equal(["A", "B", "C"], scope.Names);
        }

        Assert.Equal("caller-a", env.Get("A"));
        Assert.Equal("caller-b", env.Get("B"));
        Assert.False(env.Contains("C"), "a variable that was unset before must be unset again");
    }

    [Fact]
    public void Dispose_AfterExceptionInTheWorkload_RestoresTheCallersValues()
    {
        var env = new DictionaryEnvironment { ["AWS_PROFILE"] = "dev" };

        void Workload()
        {
            using var scope = EnvironmentScope.Enter(Changes(("AWS_PROFILE", null), ("AWS_ACCESS_KEY_ID", "AKIA")), env);
            env.Set("AWS_PROFILE", "set-by-the-workload");
            throw new InvalidOperationException("workload failed");
        }

        var thrown = Assert.Throws<InvalidOperationException>(Workload);

        Assert.Equal("workload failed", thrown.Message);
        Assert.Equal("dev", env.Get("AWS_PROFILE"));
        Assert.False(env.Contains("AWS_ACCESS_KEY_ID"));
    }

    [Fact]
    public void Enter_WhileAnotherScopeIsOpen_CaptureAlreadyRunning_AndTheFirstIsUntouched()
    {
        var env = new DictionaryEnvironment();
        using var first = EnvironmentScope.Enter(Changes(("X", "first")), env);

        var ex = Assert.Throws<LeastPrivException>(() => EnvironmentScope.Enter(Changes(("X", "second")), env));

        Assert.Equal("CaptureAlreadyRunning", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ResourceUnavailable, ex.Category);
        Assert.Equal("first", env.Get("X"));
    }

    [Fact]
    public void Enter_AfterTheFirstScopeIsDisposed_IsAllowedAgain()
    {
        var env = new DictionaryEnvironment();
        EnvironmentScope.Enter(Changes(("X", "one")), env).Dispose();

        using var second = EnvironmentScope.Enter(Changes(("X", "two")), env);

        Assert.Equal("two", env.Get("X"));
    }

    [Fact]
    public void Enter_ProcessEnvironment_ChildProcessesSeeTheValues_AndTheyAreRestored()
    {
        var name = "LEASTPRIV_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var unsetName = name + "_UNSET";
        Environment.SetEnvironmentVariable(unsetName, "before");
        try
        {
            using (EnvironmentScope.Enter(Changes((name, "inside"), (unsetName, null))))
            {
                Assert.Equal("inside", Environment.GetEnvironmentVariable(name));
                Assert.Null(Environment.GetEnvironmentVariable(unsetName));
                Assert.Equal("inside", RunChild($"printf %s \"${name}\""));
            }

            Assert.Null(Environment.GetEnvironmentVariable(name));
            Assert.Equal("before", Environment.GetEnvironmentVariable(unsetName));
        }
        finally
        {
            Environment.SetEnvironmentVariable(unsetName, null);
        }
    }

    private static string RunChild(string shell)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(shell);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static Dictionary<string, string?> Changes(params (string Name, string? Value)[] changes)
        => changes.ToDictionary(c => c.Name, c => c.Value);

    private sealed class DictionaryEnvironment : Dictionary<string, string>, IEnvironmentBlock
    {
        public string? Get(string name) => TryGetValue(name, out var v) ? v : null;

        public void Set(string name, string? value)
        {
            if (value is null)
            {
                Remove(name);
            }
            else
            {
                this[name] = value;
            }
        }

        public IEnumerable<string> Names() => Keys.ToList();

        public bool Contains(string name) => ContainsKey(name);
    }
}

namespace LeastPriv.Core.Discovery.Capture;

/// <summary>An environment block: the process's (what child processes inherit), or a test's.</summary>
public interface IEnvironmentBlock
{
    string? Get(string name);

    /// <summary>Sets the variable; null unsets it.</summary>
    void Set(string name, string? value);

    IEnumerable<string> Names();
}

/// <summary>The process environment, which every child process (AWS CLI, Terraform, SDK apps) inherits.</summary>
public sealed class ProcessEnvironment : IEnvironmentBlock
{
    public static readonly ProcessEnvironment Instance = new();

    private ProcessEnvironment()
    {
    }

    public string? Get(string name) => Environment.GetEnvironmentVariable(name);

    public void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);

    public IEnumerable<string> Names()
        => Environment.GetEnvironmentVariables().Keys.Cast<object>().Select(k => k.ToString() ?? string.Empty).ToList();
}

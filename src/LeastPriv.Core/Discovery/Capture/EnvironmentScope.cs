using System.Runtime.CompilerServices;

namespace LeastPriv.Core.Discovery.Capture;

/// <summary>
/// Applies a set of environment changes and, on <see cref="Dispose"/>, puts every touched
/// variable back exactly as it was (a variable that was unset is unset again). The environment
/// is shared by the whole process, so only one scope may be open per environment block at a
/// time: a second <see cref="Enter"/> fails with <c>CaptureAlreadyRunning</c> instead of mixing
/// two principals' credentials.
/// </summary>
public sealed class EnvironmentScope : IDisposable
{
    private static readonly ConditionalWeakTable<IEnvironmentBlock, object> Busy = new();
    private static readonly object Gate = new();

    private readonly IEnvironmentBlock _environment;
    private readonly List<KeyValuePair<string, string?>> _saved;
    private bool _disposed;

    private EnvironmentScope(IEnvironmentBlock environment, List<KeyValuePair<string, string?>> saved)
    {
        _environment = environment;
        _saved = saved;
    }

    /// <summary>The variables the scope changed, in the order they were changed.</summary>
    public IReadOnlyList<string> Names => _saved.Select(s => s.Key).ToList();

    /// <summary>Saves the current values of the changed variables, then applies the changes.</summary>
    public static EnvironmentScope Enter(IReadOnlyDictionary<string, string?> changes, IEnvironmentBlock? environment = null)
    {
        var env = environment ?? ProcessEnvironment.Instance;
        lock (Gate)
        {
            if (Busy.TryGetValue(env, out _))
            {
                throw new LeastPrivException(
                    "CaptureAlreadyRunning",
                    LPErrorCategory.ResourceUnavailable,
                    "Another capture is running in this process. Environment variables are shared by the whole process, so captures cannot run at the same time.",
                    null)
                {
                    RecommendedAction = "Run captures one after the other, or in separate processes.",
                };
            }

            Busy.Add(env, new object());
        }

        var saved = new List<KeyValuePair<string, string?>>();
        try
        {
            foreach (var change in changes)
            {
                saved.Add(new KeyValuePair<string, string?>(change.Key, env.Get(change.Key)));
                env.Set(change.Key, change.Value);
            }
        }
        catch
        {
            new EnvironmentScope(env, saved).Dispose();
            throw;
        }

        return new EnvironmentScope(env, saved);
    }

    /// <summary>Restores every variable (last changed first) and releases the process-wide guard.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            for (var i = _saved.Count - 1; i >= 0; i--)
            {
                _environment.Set(_saved[i].Key, _saved[i].Value);
            }
        }
        finally
        {
            lock (Gate)
            {
                Busy.Remove(_environment);
            }
        }
    }
}

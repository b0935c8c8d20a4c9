using System.Management.Automation;
using System.Management.Automation.Runspaces;

var iss = InitialSessionState.CreateDefault2();
using var rs = RunspaceFactory.CreateRunspace(iss);
rs.Open();
using var ps = PowerShell.Create(rs);
ps.AddScript("1+1");
foreach (var o in ps.Invoke())
{
    Console.WriteLine(o);
}

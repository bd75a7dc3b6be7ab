; Inno Setup script: the Windows installer of CSA Desktop (per user; no administrator rights
; needed, which council laptops rarely grant). Built by .github/workflows/release.yml after
; PyInstaller has made dist\csa-desktop\ from packaging\csa-desktop.spec:
;   iscc /DAppVersion=X.Y.Z packaging\windows\csa-desktop.iss
; The version is csa_desktop.__version__, passed in by the workflow; it is written nowhere here.
; The user's copy (%LOCALAPPDATA%\CSA Desktop) is never touched by installing or uninstalling.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (csa_desktop.__version__)
#endif
#define AppName "CSA Desktop"
#define AppExe "csa-desktop.exe"

[Setup]
; AppId identifies the program to Windows across versions: never change it.
AppId={{B040010A-EC4C-4B28-A7F3-88B55D6E9C21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=CSA Desktop maintainers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=csa-desktop-{#AppVersion}-windows-setup
SetupIconFile=resources\icons\csa-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
VersionInfoVersion={#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
; .csabundle files open in CSA Desktop (see [Registry]); Explorer is told of the change.
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\csa-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A new version replaces the old program files whole (modules may have been removed).
Type: filesandordirs; Name: "{app}\_internal"

[Registry]
; Per user (HKCU via HKA with PrivilegesRequired=lowest): double-clicking a bundle runs
; csa-desktop.exe FILE, which joins with a baseline or previews an import.
Root: HKA; Subkey: "Software\Classes\.csabundle"; ValueType: string; ValueName: ""; ValueData: "CSADesktop.Bundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\CSADesktop.Bundle"; ValueType: string; ValueName: ""; ValueData: "CSA Desktop bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\CSADesktop.Bundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\CSADesktop.Bundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

# El centro de administración.

admin-nav = Áreas de administración
admin-users = Usuarios
admin-users-detail = Usuario
admin-groups = Grupos
admin-groups-detail = Grupo
admin-roles = Roles y asignaciones
admin-settings = Configuración del inquilino
admin-domains = Dominios verificados
admin-compliance = Directivas de cumplimiento
admin-conditional-access = Acceso condicional
admin-enrollment = Tokens de inscripción
admin-devices = Dispositivos
admin-devices-detail = Dispositivo
admin-reports = Informes de sesiones
admin-audit = Registro de auditoría

col-name = Nombre
col-email = Correo electrónico
col-job-title = Cargo
col-company = Empresa
col-status = Estado
col-created = Creación
col-description = Descripción
col-members = Miembros
col-permissions = Permisos
col-role = Rol
col-assignee = Asignado a
col-scope = Ámbito
col-domain = Dominio
col-state = Estado
col-grant = Concesión
col-expires = Caducidad
col-uses = Usos
col-os = Sistema operativo
col-compliance = Cumplimiento
col-last-check-in = Última conexión
col-primary-user = Usuario principal
col-helper = Asistente
col-sharer = Persona asistida
col-device = Dispositivo
col-started = Inicio
col-ended = Fin
col-duration = Duración
col-mode = Modo
col-outcome = Resultado
col-time = Hora
col-actor = Autor
col-action = Acción
col-target = Destino
col-address = Dirección

user-new = Nuevo usuario
user-password = Contraseña
user-password-help = Al menos { $min } caracteres. Déjela vacía para usar solo el inicio de sesión único.
user-full-name = Nombre completo
user-active = Activo
user-disabled = Deshabilitado
user-disable = Deshabilitar
user-enable = Habilitar
user-profile = Perfil
user-picture = Foto de perfil
user-picture-upload = Subir foto
user-picture-help = PNG, JPEG o WebP, 256 KB como máximo.
user-created = Usuario { $name } creado.
user-reset-second-factor = Restablecer el segundo factor

group-new = Nuevo grupo
group-members = Miembros
group-add-member = Añadir miembro
group-member-email = Correo electrónico del miembro

role-new = Nuevo rol
role-assign = Asignar un rol
role-user-email = Correo electrónico del usuario
role-group = O un grupo
role-scope-all = Todo el inquilino
role-scope-groups = Grupos de ámbito
role-scope-groups-help = Los asistentes solo pueden ayudar a miembros de estos grupos.
role-builtin = Integrado
role-assignments = Asignaciones

settings-remote-help = Asistencia remota habilitada
settings-unenrolled = Permitir sesiones con dispositivos no inscritos
settings-chat-disabled = Desactivar el chat
settings-max-minutes = Duración máxima de la sesión (minutos)

domain-add = Añadir dominio
domain-name = Nombre de dominio

compliance-new = Nueva directiva de cumplimiento
compliance-all-devices = Todos los dispositivos
compliance-disk-encryption = Exigir cifrado de disco
compliance-firewall = Exigir un firewall
compliance-screen-lock = Exigir bloqueo de pantalla
compliance-enabled = Habilitada

ca-new = Nueva directiva de acceso condicional
ca-all-users = Todos los usuarios
ca-require-second-factor = Exigir un segundo factor
ca-addresses = Direcciones de cliente (CIDR, una por línea)
ca-state-enabled = Habilitada
ca-state-disabled = Deshabilitada
ca-state-report-only = Solo informe
ca-grant-allow = Permitir
ca-grant-second-factor = Exigir segundo factor
ca-grant-block = Bloquear

enrollment-new = Nuevo token de inscripción
enrollment-hours = Válido durante (horas)
enrollment-max-uses = Usos máximos
enrollment-created = Copie este token ahora: solo se muestra una vez.
enrollment-revoke = Revocar
enrollment-revoked = Revocado

device-filter-compliance = Cumplimiento
device-filter-os = Sistema operativo
device-filter-search = Buscar
device-any = Cualquiera
device-compliant = Conforme
device-not-compliant = No conforme
device-not-evaluated = Sin evaluar
device-facts = Datos del dispositivo
device-reasons = Motivos de cumplimiento
device-recent-sessions = Sesiones recientes
device-new-session = Nueva sesión de asistencia remota
device-agent-version = Versión del agente
device-enrolled = Inscrito
device-retired = Retirado

reports-from = Desde
reports-to = Hasta
reports-csv = Descargar CSV
audit-action-filter = Acción

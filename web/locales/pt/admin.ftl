# O centro de administração.

admin-nav = Áreas de administração
admin-users = Utilizadores
admin-users-detail = Utilizador
admin-groups = Grupos
admin-groups-detail = Grupo
admin-roles = Funções e atribuições
admin-settings = Definições do inquilino
admin-domains = Domínios verificados
admin-compliance = Políticas de conformidade
admin-conditional-access = Acesso condicional
admin-enrollment = Tokens de inscrição
admin-devices = Dispositivos
admin-devices-detail = Dispositivo
admin-reports = Relatórios de sessões
admin-audit = Registo de auditoria

col-name = Nome
col-email = E-mail
col-job-title = Cargo
col-company = Empresa
col-status = Estado
col-created = Criado
col-description = Descrição
col-members = Membros
col-permissions = Permissões
col-role = Função
col-assignee = Atribuído a
col-scope = Âmbito
col-domain = Domínio
col-state = Estado
col-grant = Concessão
col-expires = Expira
col-uses = Utilizações
col-os = Sistema operativo
col-compliance = Conformidade
col-last-check-in = Último contacto
col-primary-user = Utilizador principal
col-helper = Ajudante
col-sharer = Partilhador
col-device = Dispositivo
col-started = Início
col-ended = Fim
col-duration = Duração
col-mode = Modo
col-outcome = Resultado
col-time = Hora
col-actor = Autor
col-action = Ação
col-target = Alvo
col-address = Endereço

user-new = Novo utilizador
user-password = Palavra-passe
user-password-help = Pelo menos { $min } caracteres. Deixe vazio para usar apenas o início de sessão único.
user-full-name = Nome completo
user-active = Ativo
user-disabled = Desativado
user-disable = Desativar
user-enable = Ativar
user-profile = Perfil
user-picture = Fotografia de perfil
user-picture-upload = Carregar fotografia
user-picture-help = PNG, JPEG ou WebP, no máximo 256 KB.
user-created = Utilizador { $name } criado.
user-reset-second-factor = Repor o segundo fator

group-new = Novo grupo
group-members = Membros
group-add-member = Adicionar membro
group-member-email = E-mail do membro

role-new = Nova função
role-assign = Atribuir uma função
role-user-email = E-mail do utilizador
role-group = Ou um grupo
role-scope-all = Todo o inquilino
role-scope-groups = Grupos de âmbito
role-scope-groups-help = Os ajudantes só podem ajudar membros destes grupos.
role-builtin = Incorporada
role-assignments = Atribuições

settings-remote-help = Ajuda Remota ativada
settings-unenrolled = Permitir sessões com dispositivos não inscritos
settings-chat-disabled = Desativar o chat
settings-max-minutes = Duração máxima da sessão (minutos)

domain-add = Adicionar domínio
domain-name = Nome do domínio

compliance-new = Nova política de conformidade
compliance-all-devices = Todos os dispositivos
compliance-disk-encryption = Exigir encriptação do disco
compliance-firewall = Exigir uma firewall
compliance-screen-lock = Exigir bloqueio de ecrã
compliance-enabled = Ativada

ca-new = Nova política de acesso condicional
ca-all-users = Todos os utilizadores
ca-require-second-factor = Exigir um segundo fator
ca-addresses = Endereços de clientes (CIDR, um por linha)
ca-state-enabled = Ativada
ca-state-disabled = Desativada
ca-state-report-only = Apenas relatório
ca-grant-allow = Permitir
ca-grant-second-factor = Exigir segundo fator
ca-grant-block = Bloquear

enrollment-new = Novo token de inscrição
enrollment-hours = Válido durante (horas)
enrollment-max-uses = Máximo de utilizações
enrollment-created = Copie este token agora: só é mostrado uma vez.
enrollment-revoke = Revogar
enrollment-revoked = Revogado

device-filter-compliance = Conformidade
device-filter-os = Sistema operativo
device-filter-search = Pesquisar
device-any = Qualquer
device-compliant = Conforme
device-not-compliant = Não conforme
device-not-evaluated = Não avaliado
device-facts = Dados
device-reasons = Motivos de conformidade
device-recent-sessions = Sessões recentes
device-new-session = Nova sessão de ajuda remota
device-agent-version = Versão do agente
device-enrolled = Inscrito
device-retired = Retirado

reports-from = De
reports-to = Até
reports-csv = Transferir CSV
audit-action-filter = Ação
